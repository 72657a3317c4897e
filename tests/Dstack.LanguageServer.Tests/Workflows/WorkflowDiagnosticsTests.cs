using Dstack.LanguageServer.Tests.Support;
using static Dstack.LanguageServer.Tests.Workflows.WorkflowRepo;

namespace Dstack.LanguageServer.Tests.Workflows;

/// <summary>
/// Diagnostics of workflows files that come from the other workflows of the folder (unknown deps, cycles): with the
/// did-you-mean quick fix, and checked again when another workflows file changes in a buffer, on disk, or closes.
/// </summary>
[Trait("Category", "Fast")]
public sealed class WorkflowDiagnosticsTests : IDisposable
{
    private const string Needs = "workflows:\n  - name: train\n    commands: [t]\n    deps:\n      - workflow: prepare\n";
    private const string Misspelt = "workflows:\n  - name: prepar\n    commands: [p]\n";
    private const string Defines = "workflows:\n  - name: prepare\n    commands: [p]\n";

    private readonly WorkflowRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task Diagnostics_UnknownDep_NamesItWithDidYouMean_AtTheValue_AndTheQuickFixRenamesIt()
    {
        var a = _repo.Write("a.yaml", Needs);
        _repo.Write("b.yml", Misspelt);
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());
        await OpenAsync(client, a, Needs);

        var diagnostic = Assert.Single(await PublishedAsync(client, a, c => c.Count > 0, "the unknown dep"));

        Assert.Equal("DSTK2091", diagnostic.GetProperty("code").GetString());
        Assert.Equal(1, diagnostic.GetProperty("severity").GetInt32());
        Assert.Equal($"workflow `train`: deps: no workflow named `prepare` in {Path.Combine(".dstack", "workflows")}; did you mean `prepar`?", diagnostic.GetProperty("message").GetString());
        Assert.Equal((4, 18, 4, 25), RangeOf(diagnostic));
        var action = Assert.Single((await client.ResultAsync("textDocument/codeAction", new { textDocument = new { uri = a }, range = Range(4, 20, 4, 20), context = new { diagnostics = Array.Empty<object>() } })).EnumerateArray());
        Assert.Equal("Change `prepare` to `prepar`", action.GetProperty("title").GetString());
        var edit = Assert.Single(action.GetProperty("edit").GetProperty("changes").GetProperty(a).EnumerateArray());
        Assert.Equal("prepar", edit.GetProperty("newText").GetString());
        Assert.Equal((4, 18, 4, 25), RangeOf(edit));
    }

    [Fact]
    public async Task Diagnostics_Cycle_OnTheFirstWorkflowOfIt()
    {
        const string Cycle = "workflows:\n  - name: a\n    commands: [x]\n    deps:\n      - workflow: b\n  - name: b\n    commands: [y]\n    deps:\n      - workflow: a\n";
        var a = _repo.Write("a.yaml", Cycle);
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());
        await OpenAsync(client, a, Cycle);

        var diagnostic = Assert.Single(await PublishedAsync(client, a, c => c.Count > 0, "the cycle"));

        Assert.Equal("DSTK2092", diagnostic.GetProperty("code").GetString());
        Assert.Contains("a → b → a", diagnostic.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal((4, 18, 4, 19), RangeOf(diagnostic));
    }

    [Fact]
    public async Task Diagnostics_AnotherFileDefinesTheDepInItsBuffer_NeighbourCheckedAgain_AndClosingItBringsTheDiskBack()
    {
        var a = _repo.Write("a.yaml", Needs);
        var b = _repo.Write("b.yaml", Misspelt);
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());
        await OpenAsync(client, a, Needs);
        await PublishedAsync(client, a, c => c.SequenceEqual(["DSTK2091"]), "the unknown dep, from the disk");
        await OpenAsync(client, b, Misspelt);

        await ReplaceAsync(client, b, 2, Defines);

        // Not saved: the buffer's text counts.
        await PublishedAsync(client, a, c => c.Count == 0, "clean once b's buffer defines prepare");
        Assert.Equal(Misspelt, File.ReadAllText(_repo.PathOf("b.yaml")));
        var before = client.Notifications("textDocument/publishDiagnostics").Count;

        await client.NotifyAsync("textDocument/didClose", new { textDocument = new { uri = b } });

        await client.WaitForAsync(
            m => m.TryGetProperty("method", out var method) && method.GetString() == "textDocument/publishDiagnostics" &&
                client.Notifications("textDocument/publishDiagnostics").Skip(before).Any(p => p.GetProperty("uri").GetString() == a && Codes(p.GetProperty("diagnostics")).SequenceEqual(["DSTK2091"])),
            "the unknown dep again after b closed");
    }

    [Fact]
    public async Task Diagnostics_AnotherFileChangesOnDisk_WatchedFileEventChecksAgain()
    {
        var a = _repo.Write("a.yaml", Needs);
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());
        await OpenAsync(client, a, Needs);
        await PublishedAsync(client, a, c => c.SequenceEqual(["DSTK2091"]), "the unknown dep");

        var b = _repo.Write("b.yaml", Defines);
        await client.NotifyAsync("workspace/didChangeWatchedFiles", new { changes = new[] { new { uri = b, type = 1 } } });

        await PublishedAsync(client, a, c => c.Count == 0, "clean once b.yaml defines prepare on disk");
    }

    [Fact]
    public async Task PullingClient_WatcherRegistered_AndAskedToPullAgainWhenANeighbourChanges()
    {
        var a = _repo.Write("a.yaml", Needs);
        var b = _repo.Write("b.yaml", Misspelt);
        await using var client = new TestClient(TestMachines.Table()) { Responder = (_, _) => Task.FromResult(TestReply.With(null)) };
        var capabilities = new
        {
            textDocument = new { diagnostic = new { } },
            workspace = new { diagnostics = new { refreshSupport = true }, didChangeWatchedFiles = new { dynamicRegistration = true } },
        };
        await client.ResultAsync("initialize", new { processId = (int?)null, capabilities, clientInfo = new { name = "tests" } });
        await client.NotifyAsync("initialized", new { });
        await OpenAsync(client, a, Needs);
        await OpenAsync(client, b, Misspelt);

        var registration = await client.WaitForAsync(m => m.TryGetProperty("method", out var method) && method.GetString() == "client/registerCapability", "the watcher's registration");
        var registered = Assert.Single(registration.GetProperty("params").GetProperty("registrations").EnumerateArray());
        Assert.Equal("workspace/didChangeWatchedFiles", registered.GetProperty("method").GetString());
        Assert.Equal("**/.dstack/workflows/*.{yaml,yml}", registered.GetProperty("registerOptions").GetProperty("watchers")[0].GetProperty("globPattern").GetString());
        Assert.Equal(["DSTK2091"], Codes((await client.ResultAsync("textDocument/diagnostic", new { textDocument = new { uri = a } })).GetProperty("items")));
        var refreshes = client.ServerRequests("workspace/diagnostic/refresh").Count;

        await ReplaceAsync(client, b, 2, Defines);

        var refresh = await client.WaitForAsync(m => m.TryGetProperty("method", out var method) && method.GetString() == "workspace/diagnostic/refresh" && client.ServerRequests("workspace/diagnostic/refresh").Count > refreshes, "a refresh");
        Assert.False(refresh.TryGetProperty("params", out _));
        Assert.Empty(Codes((await client.ResultAsync("textDocument/diagnostic", new { textDocument = new { uri = a } })).GetProperty("items")));
        Assert.Empty(client.Notifications("textDocument/publishDiagnostics"));
    }

    [Fact]
    public async Task Diagnostics_UriWithANulInTheName_CheckedOnItsOwn_NoCrash()
    {
        var uri = new Uri(_repo.Root).AbsoluteUri + "/.dstack/workflows/a%00b.yaml";
        Assert.Contains("\0", Dstack.LanguageServer.Documents.DocumentUri.LocalPath(uri), StringComparison.Ordinal);
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());
        await OpenAsync(client, uri, Needs);

        var published = await client.DiagnosticsAsync(uri, 1);
        var completion = await client.ResultAsync("textDocument/completion", new { textDocument = new { uri }, position = new { line = 4, character = 18 } });

        Assert.Empty(published.GetProperty("diagnostics").EnumerateArray());
        Assert.Empty(completion.GetProperty("items").EnumerateArray());
        Assert.Empty(client.Problems());
    }

    [Fact]
    public async Task ValidateCommand_WorkflowsFile_IncludesTheDepsProblems()
    {
        var a = _repo.Write("a.yaml", Needs);
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());

        var result = await client.ResultAsync("workspace/executeCommand", new { command = "dstack.validate", arguments = new[] { a } });

        Assert.False(result.GetProperty("valid").GetBoolean());
        Assert.Equal(1, result.GetProperty("errors").GetInt32());
        Assert.Contains("DSTK2091", result.GetProperty("diagnostics")[0].GetString(), StringComparison.Ordinal);
    }
}
