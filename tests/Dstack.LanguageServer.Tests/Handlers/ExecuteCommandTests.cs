using System.Text.Json;
using Dstack.LanguageServer.Tests.Support;
using static Dstack.LanguageServer.Tests.Handlers.CodeLensTests;

namespace Dstack.LanguageServer.Tests.Handlers;

/// <summary><c>workspace/executeCommand</c>: dstack.validate, dstack.run / dstack.runCommandLine, dstack.offers, and their errors.</summary>
[Trait("Category", "Fast")]
public sealed class ExecuteCommandTests : IDisposable
{
    private const string Broken = "type: task\ncommands: [a]\nresources:\n  memory: 80GB..40GB\n  gpu: H10O\n";
    private readonly string _root = Directory.CreateTempSubdirectory("dstack-lsp-commands-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Initialize_AnnouncesTheCommands()
    {
        await using var client = new TestClient(TestMachines.Table());

        var capabilities = (await client.ResultAsync("initialize", new { processId = (int?)null, capabilities = new { } })).GetProperty("capabilities");

        // The lens commands dstack.run and dstack.showOffers are the editor's: advertised, VS Code would claim them for the server.
        Assert.Equal(["dstack.runCommandLine", "dstack.validate", "dstack.offers"], capabilities.GetProperty("executeCommandProvider").GetProperty("commands").EnumerateArray().Select(c => c.GetString()));
        Assert.False(capabilities.GetProperty("codeLensProvider").GetProperty("resolveProvider").GetBoolean());
        Assert.Equal(["quickfix"], capabilities.GetProperty("codeActionProvider").GetProperty("codeActionKinds").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task Validate_OpenDocument_AnswersCountsAndCanonicalLinesAndPublishesAgain()
    {
        var path = Path.Combine(_root, "train.dstack.yml");
        var uri = new Uri(path).AbsoluteUri;
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());
        await OpenAsync(client, uri, Broken);

        var result = await ExecuteAsync(client, "dstack.validate", uri);

        Assert.False(result.GetProperty("valid").GetBoolean());
        Assert.Equal((1, 1), (result.GetProperty("errors").GetInt32(), result.GetProperty("warnings").GetInt32()));
        Assert.Equal(
            [
                $"{path}(4,11): error DSTK2003: resources.memory: Invalid range order: 80GB..40GB; the minimum comes first: write 40GB..80GB",
                $"{path}(5,8): warning DSTK2006: resources.gpu: unknown GPU name `H10O`: did you mean H100?",
            ],
            result.GetProperty("diagnostics").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(2, client.Notifications("textDocument/publishDiagnostics").Count(p => p.GetProperty("uri").GetString() == uri));
    }

    [Fact]
    public async Task Validate_FileOnDiskOnly_ReadsTheDisk()
    {
        var path = Path.Combine(_root, "disk.dstack.yml");
        await File.WriteAllTextAsync(path, "type: task\ncommands: [a]\n");
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());

        var result = await ExecuteAsync(client, "dstack.validate", new Uri(path).AbsoluteUri);

        Assert.True(result.GetProperty("valid").GetBoolean());
        Assert.Empty(result.GetProperty("diagnostics").EnumerateArray());
        Assert.Empty(client.Notifications("textDocument/publishDiagnostics"));
    }

    [Fact]
    public async Task Validate_MissingFile_ReportsItAsDstackValidateDoes()
    {
        var path = Path.Combine(_root, "gone.dstack.yml");
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());

        var result = await ExecuteAsync(client, "dstack.validate", new Uri(path).AbsoluteUri);

        Assert.False(result.GetProperty("valid").GetBoolean());
        Assert.Equal([$"{path}(1,1): error DSTK0001: the file does not exist; check the path"], result.GetProperty("diagnostics").EnumerateArray().Select(d => d.GetString()));
    }

    [Theory]
    [InlineData("dstack.runCommandLine")]
    [InlineData("dstack.run")]
    public async Task RunCommandLine_FileInARepository_RunsFromTheRepositoryRoot(string command)
    {
        Directory.CreateDirectory(Path.Combine(_root, ".git"));
        var path = Path.Combine(_root, "jobs", "my train.dstack.yml");
        var uri = new Uri(path).AbsoluteUri;
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());
        await OpenAsync(client, uri, "type: task\ncommands: [a]\n");

        var result = await ExecuteAsync(client, command, uri, new { args = new[] { "--prompt", "Dogs in hats" }, options = new[] { "--gpu", "A10" }, detach = true });

        Assert.Equal("dstack", result.GetProperty("command").GetString());
        Assert.Equal(["run", ".", "-f", "jobs/my train.dstack.yml", "-d", "--gpu", "A10", "--", "--prompt", "Dogs in hats"], result.GetProperty("args").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(_root, result.GetProperty("cwd").GetString());
        Assert.Equal("dstack run . -f 'jobs/my train.dstack.yml' -d --gpu A10 -- --prompt 'Dogs in hats'", result.GetProperty("commandLine").GetString());
    }

    [Fact]
    public async Task RunCommandLine_NoOptions_PlainRun()
    {
        var path = Path.Combine(_root, "train.dstack.yml");
        await File.WriteAllTextAsync(path, "type: task\ncommands: [a]\n");
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());

        var result = await ExecuteAsync(client, "dstack.runCommandLine", new Uri(path).AbsoluteUri);

        Assert.Equal("dstack run . -f train.dstack.yml", result.GetProperty("commandLine").GetString());
    }

    [Fact]
    public async Task Offers_ValidTask_SummaryAndCandidates()
    {
        var uri = new Uri(Path.Combine(_root, "gpu.dstack.yml")).AbsoluteUri;
        await using var client = await TestClient.InitializedAsync(TestMachines.Table(TestMachines.NoGpu));
        await OpenAsync(client, uri, "type: task\ncommands: [a]\nresources:\n  gpu: 1\n");

        var result = await ExecuteAsync(client, "dstack.offers", uri);
        Assert.Equal(result.GetProperty("summary").GetString(), (await ExecuteAsync(client, "dstack.showOffers", uri)).GetProperty("summary").GetString());

        Assert.Equal("no offers: gpu: needs 1xGPU, the machine has no GPU (nvidia-smi found none)", result.GetProperty("summary").GetString());
        var candidate = Assert.Single(result.GetProperty("candidates").EnumerateArray());
        Assert.Equal(("local", false, "8xCPU, 32GB, 200GB (disk)"), (candidate.GetProperty("backend").GetString(), candidate.GetProperty("fits").GetBoolean(), candidate.GetProperty("resources").GetString()));
    }

    [Theory]
    [InlineData("dstack.deploy", "[\"file:///work/a.dstack.yml\"]", "unknown command 'dstack.deploy': this server runs dstack.run, dstack.runCommandLine, dstack.validate, dstack.offers, dstack.showOffers")]
    [InlineData("dstack.validate", "[]", "invalid params for 'dstack.validate': its first argument must be the document's uri, such as \"file:///work/train.dstack.yml\" (found no arguments)")]
    [InlineData("dstack.validate", "[42]", "invalid params for 'dstack.validate': its first argument must be the document's uri, such as \"file:///work/train.dstack.yml\" (found number 42)")]
    [InlineData("dstack.validate", "[\"file:///work/notes.md\"]", "invalid params for 'dstack.validate': file:///work/notes.md is not a dstack file (*.dstack.yml, *.dstack.yaml, .dstack/profiles.yml or .dstack/workflows/*.yaml)")]
    [InlineData("dstack.offers", "[\"untitled:Untitled-1.dstack.yml\"]", "invalid params for 'dstack.offers': untitled:Untitled-1.dstack.yml is not open, and only a file: uri can be read from disk")]
    [InlineData("dstack.runCommandLine", "[\"file:///work/a.dstack.yml\", {\"detach\": \"yes\"}]", "invalid params for 'dstack.runCommandLine': argument 2 must be an object such as")]
    [InlineData("dstack.runCommandLine", "[\"file:///work/a.dstack.yml\", {\"args\": [null]}]", "invalid params for 'dstack.runCommandLine': `args` must hold strings only")]
    [InlineData("dstack.runCommandLine", "[\"file:///work/a.dstack.yml\", {\"options\": [\"-y\", null]}]", "invalid params for 'dstack.runCommandLine': `options` must hold strings only")]
    public async Task ExecuteCommand_BadCommandOrArguments_InvalidParams(string command, string arguments, string message)
    {
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());

        var error = await client.ErrorAsync("workspace/executeCommand", new { command, arguments = JsonDocument.Parse(arguments).RootElement });

        Assert.Equal(-32602, error.GetProperty("code").GetInt32());
        Assert.StartsWith(message, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunCommandLine_UntitledDocument_InvalidParams()
    {
        const string uri = "untitled:Untitled-1.dstack.yml";
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());
        await OpenAsync(client, uri, "type: task\ncommands: [a]\n");

        var error = await client.ErrorAsync("workspace/executeCommand", new { command = "dstack.runCommandLine", arguments = new[] { uri } });

        Assert.Equal($"invalid params for 'dstack.runCommandLine': {uri} is not a file on disk, and `dstack run` reads the file: save it first", error.GetProperty("message").GetString());
        Assert.True((await ExecuteAsync(client, "dstack.validate", uri)).GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task RunCommandLine_ProfilesFile_InvalidParams()
    {
        var uri = new Uri(Path.Combine(_root, ".dstack", "profiles.yml")).AbsoluteUri;
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());
        await OpenAsync(client, uri, "profiles:\n  - name: big\n");

        var error = await client.ErrorAsync("workspace/executeCommand", new { command = "dstack.run", arguments = new[] { uri } });

        Assert.Equal($"invalid params for 'dstack.run': {uri} is a profiles file: only a task, service, dev environment or workflow runs", error.GetProperty("message").GetString());
        // A profiles file does not run, but it is checked.
        Assert.True((await ExecuteAsync(client, "dstack.validate", uri)).GetProperty("valid").GetBoolean());
    }

    private static Task<JsonElement> ExecuteAsync(TestClient client, string command, string uri, object? options = null) =>
        client.ResultAsync("workspace/executeCommand", new { command, arguments = options is null ? new object[] { uri } : [uri, options] });
}
