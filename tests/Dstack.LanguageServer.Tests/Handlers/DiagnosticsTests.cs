using Dstack.LanguageServer.Tests.Support;
using Dstack.Runtime.Configuration;

namespace Dstack.LanguageServer.Tests.Handlers;

/// <summary>Published and pulled diagnostics are the validator's, for the same text and path, with LSP positions.</summary>
[Trait("Category", "Fast")]
public sealed class DiagnosticsTests
{
    private const string Folder = "/work/project";
    private const string Uri = $"file://{Folder}/train.dstack.yml";
    private const string Path = $"{Folder}/train.dstack.yml";

    /// <summary>Errors on lines with non-ASCII text before them: 😀 is two UTF-16 code units, 日本 one each.</summary>
    private const string Broken =
        "type: task\n" +
        "commands: [\"echo 😀\"]\n" +
        "resources: {gpu: \"日本\", memory: 80GB..40GB}\n" +
        "env: {\"Ä😀\": 1, \"B-😀\": 2}\n";

    private const string Clean = "type: task\nname: hello\ncommands:\n  - echo \"hello 😀\"\nresources:\n  memory: 8GB..\n";

    [Fact]
    public async Task DidOpen_BrokenFile_PublishesWhatTheValidatorFinds()
    {
        await using var client = await TestClient.InitializedAsync();

        await client.NotifyAsync("textDocument/didOpen", Open(Uri, Broken));
        var published = await client.DiagnosticsAsync(Uri, version: 1);

        var expected = ExpectedDiagnostic.FromValidator(Path, Broken);
        Assert.Equal(["DSTK2006", "DSTK2003", "DSTK2040", "DSTK2040"], expected.Select(d => d.Code));
        Assert.Equal(expected, ExpectedDiagnostic.FromLsp(published.GetProperty("diagnostics")));
    }

    [Fact]
    public async Task DidOpen_BrokenFile_RangesCoverTheOffendingTextInUtf16()
    {
        await using var client = await TestClient.InitializedAsync();

        await client.NotifyAsync("textDocument/didOpen", Open(Uri, Broken));
        var published = ExpectedDiagnostic.FromLsp((await client.DiagnosticsAsync(Uri, version: 1)).GetProperty("diagnostics"));

        var runtime = ConfigurationLoader.LoadText(Path, Broken).Diagnostics;
        Assert.Equal(runtime.Select(d => Broken.Substring(d.Span.Start, d.Span.Length)), published.Select(d => d.CoveredText(Broken)));
        Assert.Equal("80GB..40GB", published.Single(d => d.Code == "DSTK2003").CoveredText(Broken));
        var emojiKey = published.Last();
        Assert.Equal("B-😀", emojiKey.CoveredText(Broken));
        // Counted in code points (as a careless conversion would), `B` would be at 16; in UTF-16 code units it is at 17.
        Assert.Equal((3, 17), (emojiKey.StartLine, emojiKey.StartCharacter));
        Assert.Equal(2, published.Single(d => d.Code == "DSTK2006").Severity);
    }

    [Fact]
    public async Task DidOpen_CleanFile_PublishesAnEmptyList()
    {
        await using var client = await TestClient.InitializedAsync();

        await client.NotifyAsync("textDocument/didOpen", Open(Uri, Clean));
        var published = await client.DiagnosticsAsync(Uri, version: 1);

        Assert.Empty(ExpectedDiagnostic.FromValidator(Path, Clean));
        Assert.Empty(published.GetProperty("diagnostics").EnumerateArray());
    }

    [Fact]
    public async Task DidChange_FixThenBreak_PublishesFreshDiagnosticsForEachVersion()
    {
        await using var client = await TestClient.InitializedAsync();
        const string text = "type: task\ncommands: [echo]\nresources:\n  memory: 80GB..40GB\n";
        await client.NotifyAsync("textDocument/didOpen", Open(Uri, text));
        Assert.Single((await client.DiagnosticsAsync(Uri, 1)).GetProperty("diagnostics").EnumerateArray());

        await client.NotifyAsync("textDocument/didChange", Change(Uri, 2, (3, 10, 3, 20, "40GB..80GB")));
        var fixedDiagnostics = await client.DiagnosticsAsync(Uri, 2);
        await client.NotifyAsync("textDocument/didChange", Change(Uri, 3, (3, 14, 3, 14, "X")));
        var broken = await client.DiagnosticsAsync(Uri, 3);

        Assert.Empty(fixedDiagnostics.GetProperty("diagnostics").EnumerateArray());
        const string final = "type: task\ncommands: [echo]\nresources:\n  memory: 40GBX..80GB\n";
        Assert.Equal(final, client.Server.Documents.Find(Uri)!.Text);
        var expected = ExpectedDiagnostic.FromValidator(Path, final);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, ExpectedDiagnostic.FromLsp(broken.GetProperty("diagnostics")));
    }

    [Fact]
    public async Task PullClient_GetsNoPushedDiagnostics_AndPullsTheValidatorsList()
    {
        // VS Code keeps pulled and pushed diagnostics apart: pushing to a client that pulls would show every problem twice.
        await using var client = await TestClient.InitializedAsync(capabilities: new { textDocument = new { diagnostic = new { dynamicRegistration = false } } });

        await client.NotifyAsync("textDocument/didOpen", Open(Uri, Broken));
        await client.NotifyAsync("textDocument/didChange", Change(Uri, 2, (0, 0, 0, 0, "# edited\n")));
        await client.NotifyAsync("textDocument/didClose", new { textDocument = new { uri = Uri } });
        await client.NotifyAsync("textDocument/didOpen", Open(Uri, Broken));
        var pulled = await client.ResultAsync("textDocument/diagnostic", new { textDocument = new { uri = Uri } });
        await client.Server.Background.IdleAsync().WaitAsync(Bounded.Limit);

        Assert.Empty(client.Notifications("textDocument/publishDiagnostics"));
        Assert.Equal(ExpectedDiagnostic.FromValidator(Path, Broken), ExpectedDiagnostic.FromLsp(pulled.GetProperty("items")));
    }

    [Fact]
    public async Task DidClose_ClearsTheDiagnostics()
    {
        await using var client = await TestClient.InitializedAsync();
        await client.NotifyAsync("textDocument/didOpen", Open(Uri, Broken));
        await client.DiagnosticsAsync(Uri, 1);

        await client.NotifyAsync("textDocument/didClose", new { textDocument = new { uri = Uri } });
        var cleared = await client.DiagnosticsAsync(Uri, version: null);

        Assert.Empty(cleared.GetProperty("diagnostics").EnumerateArray());
        Assert.Null(client.Server.Documents.Find(Uri));
        var pulled = await client.ResultAsync("textDocument/diagnostic", new { textDocument = new { uri = Uri } });
        Assert.Empty(pulled.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task PullDiagnostics_OpenDocument_FullReportEqualToThePublishedOne()
    {
        await using var client = await TestClient.InitializedAsync();
        await client.NotifyAsync("textDocument/didOpen", Open(Uri, Broken));
        var published = await client.DiagnosticsAsync(Uri, 1);

        var report = await client.ResultAsync("textDocument/diagnostic", new { textDocument = new { uri = Uri } });

        Assert.Equal("full", report.GetProperty("kind").GetString());
        Assert.Equal(ExpectedDiagnostic.FromLsp(published.GetProperty("diagnostics")), ExpectedDiagnostic.FromLsp(report.GetProperty("items")));
    }

    [Theory]
    [InlineData("file:///work/project/docker-compose.yml")]
    [InlineData("file:///work/project/profiles.yml")]
    [InlineData("file:///work/project/workflows/build.yaml")]
    [InlineData("file:///work/project/README.md")]
    public async Task OtherFiles_AreIgnored(string other)
    {
        await using var client = await TestClient.InitializedAsync();

        await client.NotifyAsync("textDocument/didOpen", Open(other, "profiles: [\n  : {"));
        await client.NotifyAsync("textDocument/didChange", Change(other, 2, (0, 0, 0, 0, "x")));
        await client.NotifyAsync("textDocument/didOpen", Open(Uri, Clean));
        await client.DiagnosticsAsync(Uri, 1);
        var pulled = await client.ResultAsync("textDocument/diagnostic", new { textDocument = new { uri = other } });

        Assert.Equal([Uri], client.Notifications("textDocument/publishDiagnostics").Select(p => p.GetProperty("uri").GetString()));
        Assert.Empty(pulled.GetProperty("items").EnumerateArray());
        Assert.Null(client.Server.Documents.Find(other));
        Assert.Empty(client.Problems());
    }

    [Theory]
    [InlineData("/work/project/.dstack/profiles.yml", "profiles:\n  - name: x\n    spot_policy: sometimes\n    max_duration: 3 lightyears\n", "DSTK1013")]
    [InlineData("/work/project/.dstack/workflows/w.yaml", "workflows:\n  - name: t\n    provider: bash\n    resources:\n      memory: 16XB\n", "DSTK2001")]
    [InlineData("/work/project/.dstack/profiles.yml", "type: task\ncommands: [echo]\n", null)]
    public async Task ProfilesAndWorkflows_AreCheckedWithTheirOwnRules(string path, string text, string? code)
    {
        await using var client = await TestClient.InitializedAsync();
        var uri = $"file://{path}";

        await client.NotifyAsync("textDocument/didOpen", Open(uri, text));
        var published = ExpectedDiagnostic.FromLsp((await client.DiagnosticsAsync(uri, 1)).GetProperty("diagnostics"));

        var expected = ExpectedDiagnostic.FromValidator(path, text);
        Assert.Equal(expected, published);
        Assert.NotEmpty(published);
        if (code is not null)
        {
            Assert.Contains(published, d => d.Code == code);
        }
        else
        {
            // A run configuration's text is wrong in a profiles file, though it is clean as *.dstack.yml: the path decides.
            Assert.Empty(ExpectedDiagnostic.FromValidator("/work/project/run.dstack.yml", text));
        }
    }

    [Fact]
    public async Task DidChange_DocumentNotOpen_IsLoggedAndIgnored()
    {
        await using var client = await TestClient.InitializedAsync();

        await client.NotifyAsync("textDocument/didChange", Change(Uri, 2, (0, 0, 0, 0, "x")));

        var log = await client.ProblemAsync();
        Assert.Contains("not open", log.GetProperty("params").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(client.Notifications("textDocument/publishDiagnostics"));
    }

    internal static object Open(string uri, string text) => new { textDocument = new { uri, languageId = "yaml", version = 1, text } };

    internal static object Change(string uri, int version, params (int StartLine, int StartCharacter, int EndLine, int EndCharacter, string Text)[] changes) => new
    {
        textDocument = new { uri, version },
        contentChanges = changes.Select(c => new
        {
            range = new { start = new { line = c.StartLine, character = c.StartCharacter }, end = new { line = c.EndLine, character = c.EndCharacter } },
            text = c.Text,
        }),
    };
}
