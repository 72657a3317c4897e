using System.Text.Json;
using Dstack.LanguageServer.Tests.Handlers;
using Dstack.LanguageServer.Tests.Support;

namespace Dstack.LanguageServer.Tests.EndToEnd;

/// <summary>
/// The built server as an LSP client that no one here wrote sees it: Microsoft's vscode-languageserver-protocol, driven
/// by tests/lsp-client/drive.mjs. The script records; these tests judge, against the validator's own findings.
/// </summary>
public sealed class RealClientTests(RealClientRun run) : IClassFixture<RealClientRun>
{
    private JsonElement Report => run.Report;

    [Fact]
    public void Initialize_ServerNamesItselfAndLogsWhoInitializedIt()
    {
        var initialize = Report.GetProperty("server").GetProperty("initializeResult");
        var client = Report.GetProperty("client");

        Assert.Equal("dstack-language-server", initialize.GetProperty("serverInfo").GetProperty("name").GetString());
        Assert.Equal("3.18.5", client.GetProperty("version").GetString());
        var notice = Assert.Single(Report.GetProperty("logMessages").EnumerateArray(), m => m.GetProperty("message").GetString()!.Contains("initialized by", StringComparison.Ordinal));
        Assert.Equal(3, notice.GetProperty("type").GetInt32());
        Assert.EndsWith($"initialized by {client.GetProperty("name").GetString()} 3.18.5", notice.GetProperty("message").GetString(), StringComparison.Ordinal);
        // drive.mjs gave its own pid as processId: the server watched it, and served on while it lived.
        Assert.Matches("watching the editor's process [0-9]+: the server stops when it ends", Report.GetProperty("stderr").GetString());
    }

    [Fact]
    public void BrokenFile_PublishedDiagnosticsAreTheValidators()
    {
        var (path, text) = Document("broken");
        var published = Report.GetProperty("firstPublished").GetProperty("broken");

        Assert.Equal(ExpectedDiagnostic.FromValidator(path, text), ExpectedDiagnostic.FromLsp(published));
        Assert.Equal(["DSTK2003", "DSTK2001", "DSTK2040"], Codes(published));
        Assert.Equal([4, 5, 6], published.EnumerateArray().Select(d => d.GetProperty("range").GetProperty("start").GetProperty("line").GetInt32()));
        // Sliced by the client in JavaScript (UTF-16 code units, as LSP counts): the emoji ends the last range.
        Assert.Equal(["80GB..40GB", "80XB", "B-😀"], Covered(published));
    }

    [Fact]
    public void CleanFile_PublishedAndPulledDiagnosticsAreEmpty()
    {
        var (path, text) = Document("clean");

        Assert.Empty(ExpectedDiagnostic.FromValidator(path, text));
        Assert.Empty(Report.GetProperty("firstPublished").GetProperty("clean").EnumerateArray());
        Assert.True(Capabilities.TryGetProperty("diagnosticProvider", out _), "the server no longer advertises pull diagnostics");
        Assert.Empty(Report.GetProperty("pulled").GetProperty("clean").GetProperty("items").EnumerateArray());
    }

    [Fact]
    public void PulledDiagnostics_AreThePublishedOnes_AsAFullReport()
    {
        var pulled = Report.GetProperty("pulled").GetProperty("broken");

        Assert.Equal("full", pulled.GetProperty("kind").GetString());
        Assert.Equal(ExpectedDiagnostic.FromLsp(Report.GetProperty("firstPublished").GetProperty("broken")), ExpectedDiagnostic.FromLsp(pulled.GetProperty("items")));
    }

    [Fact]
    public void IncrementalEdits_EachVersionGetsTheValidatorsDiagnosticsForItsText()
    {
        var (path, _) = Document("broken");
        var edits = Report.GetProperty("edits").EnumerateArray().ToList();

        Assert.Equal([2, 3, 4], edits.Select(e => e.GetProperty("version").GetInt32()));
        Assert.All(edits, e => Assert.Equal(
            ExpectedDiagnostic.FromValidator(path, e.GetProperty("text").GetString()!),
            ExpectedDiagnostic.FromLsp(e.GetProperty("published"))));
        Assert.Equal([["DSTK2001", "DSTK2040"], ["DSTK2040"], ["DSTK2003", "DSTK2004", "DSTK2040"]], edits.Select(e => Codes(e.GetProperty("published"))));
        Assert.Equal(
            "# edited\ntype: task\ncommands:\n  - echo 😀\nresources:\n  memory: 1TB..2GB\n  cpu: 40:80GB\nenv: {\"B-😀\": 2}\n",
            edits[^1].GetProperty("text").GetString());
        Assert.Equal(["1TB..2GB", "40:80GB", "B-😀"], Covered(edits[^1].GetProperty("published")));
        Assert.Equal(ExpectedDiagnostic.FromLsp(edits[^1].GetProperty("published")), ExpectedDiagnostic.FromLsp(Report.GetProperty("pulled").GetProperty("afterEdits").GetProperty("items")));
    }

    [Fact]
    public void AdvertisedFeatures_AnswerWithoutErrors_AndTheOthersWereNotCalled()
    {
        var features = Report.GetProperty("features");
        var probes = new Dictionary<string, string>
        {
            ["completion"] = "completionProvider",
            ["hover"] = "hoverProvider",
            ["codeLens"] = "codeLensProvider",
            ["documentSymbol"] = "documentSymbolProvider",
            ["codeAction"] = "codeActionProvider",
        };

        foreach (var (feature, capability) in probes)
        {
            var probe = features.GetProperty(feature);
            var advertised = Capabilities.TryGetProperty(capability, out var value) && value.ValueKind is not (JsonValueKind.False or JsonValueKind.Null);
            Assert.Equal(advertised, probe.GetProperty("advertised").GetBoolean());
            Assert.False(probe.TryGetProperty("error", out var error), $"{feature} failed: {error}");
            Assert.Equal(advertised, probe.TryGetProperty("result", out _));
        }

        if (features.GetProperty("completion").TryGetProperty("result", out var completion))
        {
            // On an empty top-level line of a task: the keys of a task are offered.
            var items = completion.ValueKind == JsonValueKind.Array ? completion : completion.GetProperty("items");
            Assert.NotEmpty(items.EnumerateArray());
        }

        foreach (var list in new[] { "codeLens", "documentSymbol", "codeAction" })
        {
            if (features.GetProperty(list).TryGetProperty("result", out var result))
            {
                Assert.True(result.ValueKind is JsonValueKind.Array or JsonValueKind.Null, $"{list} answered {result}");
            }
        }

        if (features.GetProperty("codeLens").TryGetProperty("result", out var lenses) && lenses.ValueKind == JsonValueKind.Array)
        {
            // A lens runs an advertised command, or one of the editor's own (dstack.run, dstack.showOffers) that the server also answers.
            var commands = CommandNames().Concat(Dstack.LanguageServer.Commands.DstackCommands.All).ToHashSet();
            Assert.All(lenses.EnumerateArray().Where(l => l.TryGetProperty("command", out _)), l => Assert.Contains(l.GetProperty("command").GetProperty("command").GetString(), commands));
            Assert.Contains("▶ Run", lenses.EnumerateArray().Select(l => l.GetProperty("command").GetProperty("title").GetString()));
        }

        foreach (var command in features.GetProperty("executeCommand").GetProperty("runs").EnumerateArray())
        {
            Assert.False(command.TryGetProperty("error", out var error), $"{command.GetProperty("command")} failed: {error}");
        }
    }

    [Fact]
    public void Progress_EveryTokenWasCreatedOrGivenAndRunsFromBeginToEnd()
    {
        var created = Report.GetProperty("serverRequests").EnumerateArray()
            .Where(r => r.GetProperty("method").GetString() == "window/workDoneProgress/create")
            .Select(r => r.GetProperty("params").GetProperty("token").GetRawText())
            .ToHashSet();
        var byToken = Report.GetProperty("progress").EnumerateArray().GroupBy(p => p.GetProperty("token").GetRawText());

        foreach (var token in byToken)
        {
            Assert.Contains(token.Key, created);
            var kinds = token.Select(p => p.GetProperty("value").GetProperty("kind").GetString()).ToList();
            Assert.Equal("begin", kinds[0]);
            Assert.Equal("end", kinds[^1]);
            Assert.All(kinds.Skip(1).SkipLast(1), k => Assert.Equal("report", k));
        }

        Assert.All(Report.GetProperty("serverRequests").EnumerateArray(), r => Assert.Equal("window/workDoneProgress/create", r.GetProperty("method").GetString()));
    }

    [Fact]
    public void Stdout_CarriedOnlyProtocolFrames()
    {
        var stdout = Report.GetProperty("stdout");

        Assert.Empty(Report.GetProperty("readerErrors").EnumerateArray());
        Assert.Empty(Report.GetProperty("connectionErrors").EnumerateArray());
        Assert.Empty(stdout.GetProperty("problems").EnumerateArray());
        // At least: the publishes and log lines the client recorded, and the answers to initialize, three pulls and shutdown.
        var seen = Report.GetProperty("published").GetArrayLength() + Report.GetProperty("logMessages").GetArrayLength() + 5;
        Assert.True(stdout.GetProperty("frames").GetInt32() >= seen, $"{stdout.GetProperty("frames")} frames, but the client saw {seen} messages");
    }

    [Fact]
    public void ShutdownThenExit_ServerExitsZero()
    {
        var exit = Report.GetProperty("exit");

        Assert.Equal(JsonValueKind.Null, Report.GetProperty("shutdown").ValueKind);
        Assert.False(exit.GetProperty("timedOut").GetBoolean());
        Assert.Equal(0, exit.GetProperty("code").GetInt32());
    }

    private JsonElement Capabilities => Report.GetProperty("server").GetProperty("initializeResult").GetProperty("capabilities");

    private static IEnumerable<string> Codes(JsonElement diagnostics) => diagnostics.EnumerateArray().Select(d => d.GetProperty("code").GetString()!);

    private static IEnumerable<string> Covered(JsonElement diagnostics) => diagnostics.EnumerateArray().Select(d => d.GetProperty("covered").GetString()!);

    private HashSet<string?> CommandNames() =>
        Capabilities.TryGetProperty("executeCommandProvider", out var provider)
            ? [.. provider.GetProperty("commands").EnumerateArray().Select(c => c.GetString())]
            : [];

    private (string Path, string Text) Document(string name)
    {
        var document = Report.GetProperty("documents").GetProperty(name);
        return (document.GetProperty("path").GetString()!, document.GetProperty("text").GetString()!);
    }
}
