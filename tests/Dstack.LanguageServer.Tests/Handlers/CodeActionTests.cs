using System.Text.Json;
using Dstack.LanguageServer.Tests.Support;
using Dstack.Runtime.Configuration;
using static Dstack.LanguageServer.Tests.Handlers.CodeLensTests;

namespace Dstack.LanguageServer.Tests.Handlers;

/// <summary>
/// <c>textDocument/codeAction</c>: each quick fix, applied as a client applies its edit, gives a text in which its
/// diagnostic is gone and no error is left.
/// </summary>
[Trait("Category", "Fast")]
public sealed class CodeActionTests
{
    private const string Uri = "file:///work/project/train.dstack.yml";
    private const string Path = "/work/project/train.dstack.yml";
    private const string Task = "type: task\ncommands: [a]\n";

    [Theory]
    [InlineData(Task + "nmae: hello\n", "DSTK1010", "Rename `nmae` to `name`", Task + "name: hello\n")]
    [InlineData(Task + "resources:\n  memory: 16G\n", "DSTK2001", "Change `16G` to `16GB`", Task + "resources:\n  memory: 16GB\n")]
    [InlineData(Task + "resources:\n  memory: 512M..\n", "DSTK2001", "Change `512M` to `512MB`", Task + "resources:\n  memory: 512MB..\n")]
    [InlineData(Task + "resources:\n  gpu: \"A100:80G:2\"\n", "DSTK2001", "Change `80G` to `80GB`", Task + "resources:\n  gpu: \"A100:80GB:2\"\n")]
    [InlineData(Task + "resources:\n  gpu: H10O:80GB:2\n", "DSTK2006", "Change `H10O` to `H100`", Task + "resources:\n  gpu: H100:80GB:2\n")]
    [InlineData(Task + "ports:\n  - 8080:22\n", "DSTK1015", "Quote `8080:22`", Task + "ports:\n  - \"8080:22\"\n")]
    [InlineData("type: tsak\ncommands: [a]\n", "DSTK1014", "Change `tsak` to `task`", Task)]
    [InlineData(Task + "resources:\n  gpu: 4090\n", "DSTK2011", "Change `4090` to `RTX4090`", Task + "resources:\n  gpu: RTX4090\n")]
    public async Task CodeAction_OneObviousFix_PreferredAndTheProblemIsGone(string text, string code, string title, string expected)
    {
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());
        await OpenAsync(client, Uri, text);
        var diagnostic = await DiagnosticAsync(client, code);

        var action = Assert.Single(await ActionsAsync(client, diagnostic.GetProperty("range")));

        Assert.Equal((title, "quickfix", true), (action.GetProperty("title").GetString(), action.GetProperty("kind").GetString(), action.GetProperty("isPreferred").GetBoolean()));
        Assert.Equal(diagnostic.GetRawText(), Assert.Single(action.GetProperty("diagnostics").EnumerateArray()).GetRawText());
        var fixedText = TextEdits.ApplyAction(text, action, Uri);
        Assert.Equal(expected, fixedText);
        Assert.DoesNotContain(ConfigurationLoader.LoadText(Path, fixedText).Diagnostics, d => d.Code == code || d.IsError);
    }

    [Theory]
    [InlineData("image", "Remove `image` (use dstack's base image with `python`)", "type: task\npython: \"3.11\"\ncommands: [a]\n")]
    [InlineData("python", "Remove `python` (the image brings its own Python)", "type: task\nimage: ubuntu:22.04\ncommands: [a]\n")]
    public async Task CodeAction_ImageAndPython_TwoChoicesNeitherPreferred(string removed, string title, string expected)
    {
        const string text = "type: task\nimage: ubuntu:22.04  # the base\npython: \"3.11\"\ncommands: [a]\n";
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());
        await OpenAsync(client, Uri, text);
        var diagnostic = await DiagnosticAsync(client, "DSTK2062");

        var actions = await ActionsAsync(client, diagnostic.GetProperty("range"));

        Assert.Equal(2, actions.Count);
        Assert.All(actions, a => Assert.False(a.GetProperty("isPreferred").GetBoolean()));
        var action = Assert.Single(actions, a => a.GetProperty("title").GetString() == title);
        var fixedText = TextEdits.ApplyAction(text, action, Uri);
        Assert.Equal(removed == "image" ? expected : "type: task\nimage: ubuntu:22.04  # the base\ncommands: [a]\n", fixedText);
        Assert.True(ConfigurationLoader.LoadText(Path, fixedText).Diagnostics.Count == 0, fixedText);
    }

    [Fact]
    public async Task CodeAction_CursorInsideTheValue_FindsTheFix()
    {
        const string text = Task + "resources:\n  memory: 16G\n";
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());
        await OpenAsync(client, Uri, text);

        var actions = await ActionsAsync(client, Range(3, 12, 3, 12));

        Assert.Equal("Change `16G` to `16GB`", Assert.Single(actions).GetProperty("title").GetString());
    }

    [Fact]
    public async Task CodeAction_RangeAwayFromProblems_NoActions()
    {
        const string text = Task + "nmae: hello\nresources:\n  memory: 16G\n";
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());
        await OpenAsync(client, Uri, text);

        Assert.Empty(await ActionsAsync(client, Range(0, 0, 0, 4)));
        Assert.Equal(2, (await ActionsAsync(client, Range(0, 0, 5, 0))).Count);
    }

    [Theory]
    [InlineData(Task + "resources:\n  memory: lots\n  gpu: Zzzzzz\ncolour: red\n")]
    // `100` could be A100, H100, MI100, P100 or V100; `80PB` is a real unit, not a typo of GB; `.kb` has no number.
    [InlineData(Task + "resources:\n  gpu: 100\n  memory: 80PB\n  disk: .kb\n")]
    public async Task CodeAction_NoCertainFix_NoActions(string text)
    {
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());
        await OpenAsync(client, Uri, text);

        Assert.Empty(await ActionsAsync(client, Range(0, 0, 6, 0)));
    }

    [Fact]
    public async Task CodeAction_OnlyOtherKinds_NoActions()
    {
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());
        await OpenAsync(client, Uri, Task + "nmae: hello\n");

        Assert.Empty(await ActionsAsync(client, Range(2, 0, 2, 4), only: ["refactor"]));
        Assert.Single(await ActionsAsync(client, Range(2, 0, 2, 4), only: ["quickfix"]));
    }

    [Fact]
    public async Task CodeAction_StaleClientDiagnostics_FixesFollowTheCurrentText()
    {
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());
        await OpenAsync(client, Uri, Task + "nmae: hello\n");
        await client.NotifyAsync("textDocument/didChange", DiagnosticsTests.Change(Uri, 2, (2, 0, 2, 4, "name")));
        await client.DiagnosticsAsync(Uri, 2);

        // The client still sends the old diagnostic, and even a made-up one: neither brings a fix.
        var stale = new { range = Range(2, 0, 2, 4), severity = 1, code = 1010, source = "other", message = "unknown property `nmae`" };
        var actions = await client.ResultAsync("textDocument/codeAction", new { textDocument = new { uri = Uri }, range = Range(2, 0, 2, 4), context = new { diagnostics = new[] { stale } } });

        Assert.Empty(actions.EnumerateArray());
    }

    [Fact]
    public async Task CodeAction_DocumentNotOpen_NoActions()
    {
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());

        Assert.Empty(await ActionsAsync(client, Range(0, 0, 1, 0)));
    }

    private static async Task<JsonElement> DiagnosticAsync(TestClient client, string code)
    {
        var published = (await client.DiagnosticsAsync(Uri, 1)).GetProperty("diagnostics");
        return Assert.Single(published.EnumerateArray(), d => d.GetProperty("code").GetString() == code);
    }

    private static async Task<IReadOnlyList<JsonElement>> ActionsAsync(TestClient client, object range, string[]? only = null) =>
        [.. (await client.ResultAsync("textDocument/codeAction", new { textDocument = new { uri = Uri }, range, context = new { diagnostics = Array.Empty<object>(), only } })).EnumerateArray()];

    private static object Range(int startLine, int startCharacter, int endLine, int endCharacter) =>
        new { start = new { line = startLine, character = startCharacter }, end = new { line = endLine, character = endCharacter } };
}
