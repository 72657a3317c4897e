using System.Text.Json;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Tests.Support;

namespace Dstack.LanguageServer.Tests.Server;

[Trait("Category", "Fast")]
public sealed class LifecycleTests
{
    private const string Uri = "file:///work/train.dstack.yml";
    private const string Broken = "type: task\ncommands: [echo]\nresources:\n  memory: 80GB..40GB\n";

    [Theory]
    [InlineData("textDocument/diagnostic")]
    [InlineData("shutdown")]
    [InlineData("no/such/method")]
    public async Task Request_BeforeInitialize_IsServerNotInitialized(string method)
    {
        await using var client = new TestClient();

        var error = await client.ErrorAsync(method, new { textDocument = new { uri = Uri } });

        Assert.Equal(ErrorCodes.ServerNotInitialized, error.GetProperty("code").GetInt32());
        Assert.Contains(method, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notification_BeforeInitialize_IsDropped()
    {
        await using var client = new TestClient();
        await client.NotifyAsync("textDocument/didOpen", Open(Uri, Broken));

        await client.ResultAsync("initialize", new { capabilities = new { } });
        var report = await client.ResultAsync("textDocument/diagnostic", new { textDocument = new { uri = Uri } });

        Assert.Empty(report.GetProperty("items").EnumerateArray());
        Assert.Empty(client.Notifications("textDocument/publishDiagnostics"));
        Assert.Null(client.Server.Documents.Find(Uri));
    }

    [Fact]
    public async Task Initialize_Result_AnnouncesIncrementalSyncAndPullDiagnostics()
    {
        await using var client = new TestClient();

        var result = await client.ResultAsync("initialize", new { processId = Environment.ProcessId, capabilities = new { }, clientInfo = new { name = "tests", version = "1" } });

        var capabilities = result.GetProperty("capabilities");
        Assert.Equal("utf-16", capabilities.GetProperty("positionEncoding").GetString());
        Assert.True(capabilities.GetProperty("textDocumentSync").GetProperty("openClose").GetBoolean());
        Assert.Equal(TextDocumentSyncKind.Incremental, capabilities.GetProperty("textDocumentSync").GetProperty("change").GetInt32());
        // A workflows file's problems depend on the other workflows files of its folder (their deps).
        Assert.True(capabilities.GetProperty("diagnosticProvider").GetProperty("interFileDependencies").GetBoolean());
        Assert.False(capabilities.GetProperty("diagnosticProvider").GetProperty("workspaceDiagnostics").GetBoolean());
        Assert.Equal("dstack-language-server", result.GetProperty("serverInfo").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Initialize_Twice_IsAnErrorAndTheServerGoesOn()
    {
        await using var client = await TestClient.InitializedAsync();

        var error = await client.ErrorAsync("initialize", new { capabilities = new { } });

        Assert.Equal(ErrorCodes.InvalidRequest, error.GetProperty("code").GetInt32());
        Assert.Contains("only once", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        await client.ResultAsync("textDocument/diagnostic", new { textDocument = new { uri = Uri } });
    }

    [Fact]
    public async Task Initialize_WithInvalidParams_FailsAndMayBeRetried()
    {
        await using var client = new TestClient();

        var error = await client.ErrorAsync("initialize", JsonNodeOf("[1, 2]"));
        Assert.Equal(ErrorCodes.InvalidParams, error.GetProperty("code").GetInt32());
        var stillNotInitialized = await client.ErrorAsync("textDocument/diagnostic", new { textDocument = new { uri = Uri } });
        Assert.Equal(ErrorCodes.ServerNotInitialized, stillNotInitialized.GetProperty("code").GetInt32());

        await client.ResultAsync("initialize", new { capabilities = new { } });
        await client.ResultAsync("textDocument/diagnostic", new { textDocument = new { uri = Uri } });
    }

    [Fact]
    public async Task Shutdown_ThenExit_ExitsZeroAndRefusesEverythingElseBetween()
    {
        await using var client = await TestClient.InitializedAsync();

        var shutdown = await client.ResultAsync("shutdown");
        Assert.Equal(JsonValueKind.Null, shutdown.ValueKind);
        var refused = await client.ErrorAsync("textDocument/diagnostic", new { textDocument = new { uri = Uri } });
        Assert.Equal(ErrorCodes.InvalidRequest, refused.GetProperty("code").GetInt32());
        Assert.Contains("only the 'exit' notification", refused.GetProperty("message").GetString(), StringComparison.Ordinal);
        var again = await client.ErrorAsync("shutdown");
        Assert.Equal(ErrorCodes.InvalidRequest, again.GetProperty("code").GetInt32());
        await client.NotifyAsync("textDocument/didOpen", Open(Uri, Broken));
        await client.NotifyAsync("exit");

        Assert.Equal(0, await client.ExitCodeAsync());
        Assert.Null(client.Server.Documents.Find(Uri));
        Assert.Empty(client.Notifications("textDocument/publishDiagnostics"));
    }

    [Fact]
    public async Task Exit_WithoutShutdown_ExitsOne()
    {
        await using var client = await TestClient.InitializedAsync();

        await client.NotifyAsync("exit");

        Assert.Equal(1, await client.ExitCodeAsync());
    }

    [Fact]
    public async Task Exit_BeforeInitialize_ExitsOne()
    {
        await using var client = new TestClient();

        await client.NotifyAsync("exit");

        Assert.Equal(1, await client.ExitCodeAsync());
    }

    [Fact]
    public async Task EndOfInput_WithoutShutdown_ExitsOne()
    {
        await using var client = await TestClient.InitializedAsync();

        Assert.Equal(1, await client.CloseAndExitCodeAsync());
    }

    [Fact]
    public async Task EndOfInput_AfterShutdown_ExitsZero()
    {
        await using var client = await TestClient.InitializedAsync();
        await client.ResultAsync("shutdown");

        Assert.Equal(0, await client.CloseAndExitCodeAsync());
    }

    private static object Open(string uri, string text) => new { textDocument = new { uri, languageId = "yaml", version = 1, text } };

    private static System.Text.Json.Nodes.JsonNode JsonNodeOf(string json) => System.Text.Json.Nodes.JsonNode.Parse(json)!;
}
