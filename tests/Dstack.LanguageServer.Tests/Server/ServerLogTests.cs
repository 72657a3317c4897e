using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Tests.Support;

namespace Dstack.LanguageServer.Tests.Server;

/// <summary>What reaches the editor's log (<c>window/logMessage</c>) and what stays on stderr.</summary>
[Trait("Category", "Fast")]
public sealed class ServerLogTests
{
    [Fact]
    public async Task Initialize_TellsTheClientWhoStartedAndWhoInitialized_AtLevelInfo()
    {
        await using var client = new TestClient();

        await client.ResultAsync("initialize", new { capabilities = new { }, clientInfo = new { name = "Neovim", version = "0.7.2" } });

        var notice = Assert.Single(client.Notifications("window/logMessage"));
        Assert.Equal(MessageType.Info, notice.GetProperty("type").GetInt32());
        var text = notice.GetProperty("message").GetString()!;
        Assert.StartsWith("dstack-language-server ", text, StringComparison.Ordinal);
        Assert.Contains($"(process {Environment.ProcessId}, ", text, StringComparison.Ordinal);
        Assert.EndsWith("initialized by Neovim 0.7.2", text, StringComparison.Ordinal);
        Assert.Contains(text, client.Stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Traces_OfSingleMessages_StayOnStderr()
    {
        await using var client = await TestClient.InitializedAsync();
        var before = client.Notifications("window/logMessage").Count;

        // An answer to a request the server never sent: worth a line on stderr, not a line in the editor.
        await client.SendAsync("""{"jsonrpc":"2.0","id":"s404","result":null}""");
        await client.ResultAsync("textDocument/diagnostic", new { textDocument = new { uri = "file:///a.dstack.yml" } });

        Assert.Contains("ignored a response to id s404", client.Stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, client.Notifications("window/logMessage").Count);
    }
}
