using System.Text.Json;
using Dstack.LanguageServer.Handlers;
using Dstack.LanguageServer.Tests.Handlers;
using Dstack.LanguageServer.Tests.Support;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.LanguageServer.Tests.Runs;

/// <summary>
/// The lenses of a running service (its URL) and of a ready dev environment (Open in VS Code, <c>ssh RUN</c>), from a
/// real state store in a temporary <c>$DSTACK_HOME</c> written as the run's controller writes it; the refresh the server
/// asks for when they change; and the commands behind them.
/// </summary>
[Trait("Category", "Fast")]
public sealed class RunEndpointLensTests : IDisposable
{
    private const string ServiceText = "type: service\ncommands: [python3 -m http.server 8000]\nport: 8000\n";
    private const string DevEnvironmentText = "type: dev-environment\nide: vscode\n";
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);
    private static readonly DateTimeOffset Now = new(2025, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly object RefreshesLenses = new { workspace = new { codeLens = new { refreshSupport = true } } };

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("dstack-ls-endpoints-");

    private DstackHome Home => new(Path.Combine(_folder.FullName, "home"));

    private string Project => Path.Combine(_folder.FullName, "project");

    [Fact]
    public async Task RunningServiceWithUrl_ShowsTheUrlLensThatOpensIt()
    {
        var store = StateStore.Open(Home);
        var run = CreateRunning(store, "web.dstack.yml", "web-1", "service");
        store.SetRunEndpoint(run.Id, RunEndpointKind.Service, "http://127.0.0.1:8123/");
        await using var client = await ClientAsync(null);
        await CodeLensTests.OpenAsync(client, UriOf("web.dstack.yml"), ServiceText);

        var lenses = await CodeLensTests.LensesAsync(client, UriOf("web.dstack.yml"));

        Assert.Equal(["▶ Run service", "✓ Validate", "1 offer: local, free", "🌐 http://127.0.0.1:8123/"], lenses.Select(CodeLensTests.Title));
        var open = lenses[3].GetProperty("command");
        Assert.Equal("dstack.openUrl", open.GetProperty("command").GetString());
        Assert.Equal([UriOf("web.dstack.yml"), "http://127.0.0.1:8123/"], open.GetProperty("arguments").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(lenses[0].GetProperty("range").GetRawText(), lenses[3].GetProperty("range").GetRawText());
    }

    [Fact]
    public async Task ServiceNotReadyYet_OrOfAnotherFile_NoUrlLens()
    {
        var store = StateStore.Open(Home);
        CreateRunning(store, "web.dstack.yml", "web-2", "service");
        var other = CreateRunning(store, "other.dstack.yml", "other-1", "service");
        store.SetRunEndpoint(other.Id, RunEndpointKind.Service, "http://127.0.0.1:8124/");
        await using var client = await ClientAsync(null);
        await CodeLensTests.OpenAsync(client, UriOf("web.dstack.yml"), ServiceText);

        Assert.Equal(["▶ Run service", "✓ Validate", "1 offer: local, free"], (await CodeLensTests.LensesAsync(client, UriOf("web.dstack.yml"))).Select(CodeLensTests.Title));
    }

    [Theory]
    [InlineData("vscode://vscode-remote/ssh-remote+dev-1/workflow", "Open in VS Code")]
    [InlineData("cursor://vscode-remote/ssh-remote+dev-1/workflow", "Open in Cursor")]
    public async Task ReadyDevEnvironment_ShowsOpenInTheIdeAndSsh(string link, string title)
    {
        var store = StateStore.Open(Home);
        var run = CreateRunning(store, "dev.dstack.yml", "dev-1", "dev-environment");
        store.SetRunEndpoint(run.Id, RunEndpointKind.Ide, link);
        store.SetRunEndpoint(run.Id, RunEndpointKind.Ssh, "dev-1");
        await using var client = await ClientAsync(null);
        await CodeLensTests.OpenAsync(client, UriOf("dev.dstack.yml"), DevEnvironmentText);

        var lenses = await CodeLensTests.LensesAsync(client, UriOf("dev.dstack.yml"));

        Assert.Equal(["▶ Run dev environment", "✓ Validate", "1 offer: local, free", title, "ssh dev-1"], lenses.Select(CodeLensTests.Title));
        Assert.Equal(
            [("dstack.openUrl", link), ("dstack.ssh", "dev-1")],
            lenses.Skip(3).Select(l => l.GetProperty("command")).Select(c => (c.GetProperty("command").GetString(), c.GetProperty("arguments")[1].GetString())));
    }

    [Fact]
    public async Task RunEnds_ItsLensesGo_AndAClientThatRefreshesIsAskedToAtEachChange()
    {
        var store = StateStore.Open(Home);
        var run = CreateRunning(store, "web.dstack.yml", "web-3", "service");
        await using var client = await ClientAsync(RefreshesLenses);
        client.Responder = (method, _) => Task.FromResult(method == "workspace/codeLens/refresh" ? TestReply.With(null) : TestReply.Error(-32601, method));
        var uri = UriOf("web.dstack.yml");
        await CodeLensTests.OpenAsync(client, uri, ServiceText);
        Assert.Equal(3, (await CodeLensTests.LensesAsync(client, uri)).Count);

        store.SetRunEndpoint(run.Id, RunEndpointKind.Service, "http://127.0.0.1:8125/");
        await client.WaitForAsync(m => IsRequest(m, "workspace/codeLens/refresh"), "a codeLens refresh after the URL appeared");
        Assert.Equal("🌐 http://127.0.0.1:8125/", CodeLensTests.Title((await CodeLensTests.LensesAsync(client, uri))[3]));

        store.SetRunStatus(run.Id, RunStatus.Done, Now, "all_jobs_done");
        await Bounded.UntilAsync(() => client.ServerRequests("workspace/codeLens/refresh").Count >= 2, "a second codeLens refresh after the run ended");
        Assert.Equal(["▶ Run service", "✓ Validate", "1 offer: local, free"], (await CodeLensTests.LensesAsync(client, uri)).Select(CodeLensTests.Title));

        // Nothing changes any more: ten more turns ask for nothing.
        await Task.Delay(Poll * 10);
        Assert.Equal(2, client.ServerRequests("workspace/codeLens/refresh").Count);
    }

    [Fact]
    public async Task ClientWithoutRefreshSupport_IsNeverAskedToRefresh()
    {
        var store = StateStore.Open(Home);
        var run = CreateRunning(store, "web.dstack.yml", "web-4", "service");
        await using var client = await ClientAsync(null);
        await CodeLensTests.OpenAsync(client, UriOf("web.dstack.yml"), ServiceText);
        store.SetRunEndpoint(run.Id, RunEndpointKind.Service, "http://127.0.0.1:8126/");

        await Task.Delay(Poll * 10);
        Assert.Empty(client.ServerRequests("workspace/codeLens/refresh"));
        Assert.Equal(4, (await CodeLensTests.LensesAsync(client, UriOf("web.dstack.yml"))).Count);
    }

    [Fact]
    public async Task OpenUrl_ClientThatShowsDocuments_IsAskedToOpenItExternally_AndTheUrlIsTheAnswer()
    {
        await using var client = await ClientAsync(new { window = new { showDocument = new { support = true } } });
        client.Responder = (method, _) => Task.FromResult(method == "window/showDocument" ? TestReply.With(new System.Text.Json.Nodes.JsonObject { ["success"] = true }) : TestReply.Error(-32601, method));

        var result = await client.ResultAsync("workspace/executeCommand", new { command = "dstack.openUrl", arguments = new[] { UriOf("web.dstack.yml"), "http://127.0.0.1:8127/" } });

        Assert.Equal("http://127.0.0.1:8127/", result.GetString());
        var show = await client.WaitForAsync(m => IsRequest(m, "window/showDocument"), "window/showDocument");
        Assert.Equal(("http://127.0.0.1:8127/", true), (show.GetProperty("params").GetProperty("uri").GetString(), show.GetProperty("params").GetProperty("external").GetBoolean()));
    }

    [Fact]
    public async Task OpenUrl_ClientWithoutShowDocument_GetsTheUrlOnly()
    {
        await using var client = await ClientAsync(null);

        var result = await client.ResultAsync("workspace/executeCommand", new { command = "dstack.openUrl", arguments = new[] { UriOf("dev.dstack.yml"), "vscode://vscode-remote/ssh-remote+dev-1/workflow" } });

        Assert.Equal("vscode://vscode-remote/ssh-remote+dev-1/workflow", result.GetString());
        await Task.Delay(Poll * 5);
        Assert.Empty(client.ServerRequests("window/showDocument"));
    }

    [Theory]
    [InlineData("dstack.openUrl", "file:///etc/passwd", "argument 2 must be a service's http(s) URL or an IDE's vscode:// or cursor:// link (found file:///etc/passwd)")]
    [InlineData("dstack.openUrl", "not a url", "argument 2 must be a service's http(s) URL or an IDE's vscode:// or cursor:// link (found not a url)")]
    [InlineData("dstack.ssh", "-oProxyCommand=x", "argument 2 must be a run's SSH host alias, such as \"my-dev-env\" (found -oProxyCommand=x)")]
    [InlineData("dstack.ssh", "dev 1", "argument 2 must be a run's SSH host alias, such as \"my-dev-env\" (found dev 1)")]
    public async Task EndpointCommands_RefuseWhatARunDoesNotPublish(string command, string target, string problem)
    {
        await using var client = await ClientAsync(new { window = new { showDocument = new { support = true } } });

        var error = await client.ErrorAsync("workspace/executeCommand", new { command, arguments = new[] { UriOf("web.dstack.yml"), target } });

        Assert.Equal(-32602, error.GetProperty("code").GetInt32());
        Assert.Equal($"invalid params for '{command}': {problem}", error.GetProperty("message").GetString());
        Assert.Empty(client.ServerRequests("window/showDocument"));
    }

    [Fact]
    public async Task Ssh_AnswersTheCommandLine()
    {
        await using var client = await ClientAsync(null);

        var result = await client.ResultAsync("workspace/executeCommand", new { command = "dstack.ssh", arguments = new[] { UriOf("dev.dstack.yml"), "dev-1" } });

        Assert.Equal("ssh dev-1", result.GetString());
    }

    public void Dispose() => _folder.Delete(recursive: true);

    private RunRecord CreateRunning(StateStore store, string file, string name, string type)
    {
        var path = Path.Combine(Project, file);
        var run = store.CreateRun(
            name,
            _ => name,
            path,
            Project,
            n => new RunSpec { RunName = n, Type = type, ConfigurationPath = path, RepoRoot = Project, Script = "serve", Nodes = 1 }.ToJson(),
            Now).Run;
        store.SetRunStatus(run.Id, RunStatus.Running, Now);
        store.AddRunEvent(run.Id, new RunningProgress(0, "local"), Now);
        return run;
    }

    private Task<TestClient> ClientAsync(object? capabilities) =>
        TestClient.InitializedAsync(DstackHandlers.Create(TestMachines.Offers(TestMachines.NoGpu, Home), Poll), capabilities);

    private string UriOf(string file) => new Uri(Path.Combine(Project, file)).AbsoluteUri;

    private static bool IsRequest(JsonElement message, string method) =>
        message.TryGetProperty("method", out var found) && found.GetString() == method && message.TryGetProperty("id", out _);
}
