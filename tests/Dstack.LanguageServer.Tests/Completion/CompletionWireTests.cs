using System.Text.Json;
using Dstack.LanguageServer.Completion;
using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Tests.Editing;
using Dstack.LanguageServer.Tests.Support;

namespace Dstack.LanguageServer.Tests.Completion;

/// <summary>
/// What a completion list looks like on the wire for each kind of client (<see cref="CompletionForClient"/>): the
/// shortened forms mean exactly the edit the list was built with, and documentation left out comes back through
/// <c>completionItem/resolve</c>.
/// </summary>
[Trait("Category", "Fast")]
public sealed class CompletionWireTests
{
    /// <summary>What VS Code declares for completion (among other members).</summary>
    private static readonly object EditorCapabilities = new
    {
        textDocument = new
        {
            completion = new
            {
                completionItem = new { snippetSupport = true, documentationFormat = new[] { "markdown", "plaintext" }, resolveSupport = new { properties = new[] { "documentation", "detail", "additionalTextEdits" } } },
                completionList = new { itemDefaults = new[] { "commitCharacters", "editRange", "insertTextFormat", "insertTextMode", "data" } },
            },
        },
    };

    public static TheoryData<string> Places { get; } =
    [
        "‸",
        "type: task\n‸\n",
        "type: task\nima‸\n",
        "type: task\nspot_policy: ‸\n",
        "type: task\nspot_policy: on‸\n",
        "type: task\nspot_policy:‸\n",
        "type: task\nresources:\n  ‸\n",
        "type: task\nresources:\n  gpu: ‸\n",
        "type: task\nresources:\n  gpu: A100:‸\n",
        "type: task\nresources:\n  gpu: A1‸\n",
        "type: task\nresources:\n  gpu:\n    ‸\n",
        "type: task\nbackends: [‸\n",
        "type: task\nbackends: [aws, ‸]\n",
        "type: task\nenv:\n  - ‸\n",
        "type: service\nport: ‸\n",
        "type: dev-environment\nide: ‸\n",
        "type: task\nretry:\n  on_events: [‸]\n",
    ];

    [Theory]
    [MemberData(nameof(Places))]
    public async Task EveryForm_MeansTheEditTheListWasBuiltWith(string marked)
    {
        var (text, line, character) = YamlCursorTests.Cursor(marked);
        var built = CompletionDispatcher.Complete(new DocumentSnapshot("file:///p/x.dstack.yml", "/p/x.dstack.yml", 1, text), new Position(line, character), null);
        await using var plain = await TestClient.InitializedAsync();
        await using var editor = await TestClient.InitializedAsync(capabilities: EditorCapabilities);

        var forPlain = await Completions.AtAsync(plain, marked, "x.dstack.yml");
        var forEditor = await Completions.AtAsync(editor, marked, "x.dstack.yml");

        Assert.NotEmpty(built.Items);
        foreach (var item in built.Items)
        {
            var edit = Assert.IsType<TextEdit>(item.TextEdit);
            foreach (var result in new[] { forPlain, forEditor })
            {
                var (start, end, newText) = Completions.Edit(result, result.Item(item.Label));
                Assert.Equal(edit.NewText, newText);
                Assert.Equal(edit.Range.Start, start is { } s ? Read(s) : new Position(line, character));
                Assert.Equal(edit.Range.End, end is { } e ? Read(e) : new Position(line, character));
            }

            Assert.Equal(forPlain.Accept(item.Label), forEditor.Accept(item.Label));
        }
    }

    [Fact]
    public async Task AnEditorThatDeclaresDefaultsAndResolve_GetsOneRange_AndNoDocumentationInTheList()
    {
        await using var editor = await TestClient.InitializedAsync(capabilities: EditorCapabilities);
        await using var plain = await TestClient.InitializedAsync();

        var forEditor = await Completions.AtAsync(editor, "type: task\n‸\n");
        var forPlain = await Completions.AtAsync(plain, "type: task\n‸\n");

        var range = forEditor.List.GetProperty("itemDefaults").GetProperty("editRange");
        Assert.Equal(new Position(1, 0), Read(range.GetProperty("start")));
        Assert.All(forEditor.Items, i => Assert.False(i.TryGetProperty("textEdit", out _) || i.TryGetProperty("documentation", out _), i.ToString()));
        // Plain text is LSP's default format: only snippets say theirs.
        Assert.All(forEditor.Items, i => Assert.True(!i.TryGetProperty("insertTextFormat", out var f) || f.GetInt32() == 2, i.ToString()));
        Assert.Contains(forEditor.Items, i => i.TryGetProperty("insertTextFormat", out _));
        Assert.Equal("image: ", forEditor.Item("image").GetProperty("textEditText").GetString());
        // The same keys, in much fewer bytes (15.5 KB for this list before, mostly repeated ranges and documentation).
        Assert.Equal(forPlain.Labels, forEditor.Labels);
        Assert.True(forEditor.List.GetRawText().Length < forPlain.List.GetRawText().Length * 0.6, $"{forEditor.List.GetRawText().Length} vs {forPlain.List.GetRawText().Length} bytes");
    }

    [Fact]
    public async Task AClientThatDeclaresNothing_GetsDocumentationInTheList_AndInsertTextWhereNothingIsReplaced()
    {
        await using var plain = await TestClient.InitializedAsync();

        var atLineStart = await Completions.AtAsync(plain, "type: task\n‸\n");
        var typed = await Completions.AtAsync(plain, "type: task\nima‸\n");
        var afterColon = await Completions.AtAsync(plain, "type: task\nresources:\n  gpu: A100:‸\n");

        Assert.False(atLineStart.List.TryGetProperty("itemDefaults", out _));
        Assert.Contains("`python`", atLineStart.Item("image").GetProperty("documentation").GetProperty("value").GetString(), StringComparison.Ordinal);
        Assert.Equal("image: ", atLineStart.Item("image").GetProperty("insertText").GetString());
        Assert.All(atLineStart.Items, i => Assert.False(i.TryGetProperty("textEdit", out _), i.ToString()));
        // Typed text to replace, or a cursor right after a character an editor may take as part of a word: the edit stays.
        Assert.All(typed.Items, i => Assert.True(i.TryGetProperty("textEdit", out _), i.ToString()));
        Assert.NotEmpty(afterColon.Items);
        Assert.All(afterColon.Items, i => Assert.True(i.TryGetProperty("textEdit", out _), i.ToString()));
    }

    [Fact]
    public async Task Resolve_GivesTheDocumentationTheListLeftOut_AndKeepsWhatTheClientSent()
    {
        await using var editor = await TestClient.InitializedAsync(capabilities: EditorCapabilities);
        await using var plain = await TestClient.InitializedAsync();
        var inline = (await Completions.AtAsync(plain, "type: task\n‸\n")).Item("resources").GetProperty("documentation");
        var list = await Completions.AtAsync(editor, "type: task\n‸\n");
        var item = JsonSerializer.SerializeToNode(list.Item("resources"))!.AsObject();
        item["clientOwn"] = "kept";

        var resolved = await editor.ResultAsync("completionItem/resolve", item);

        Assert.Equal(inline.ToString(), resolved.GetProperty("documentation").ToString());
        Assert.Equal("kept", resolved.GetProperty("clientOwn").GetString());
        Assert.Equal("resources", resolved.GetProperty("label").GetString());
        Assert.Equal(list.Item("resources").GetProperty("sortText").GetString(), resolved.GetProperty("sortText").GetString());
    }

    [Fact]
    public async Task Resolve_OfAnOlderListOrForeignData_GivesTheItemBackUnchanged()
    {
        await using var editor = await TestClient.InitializedAsync(capabilities: EditorCapabilities);
        var first = await Completions.AtAsync(editor, "type: task\n‸\n");
        var second = await Completions.AtAsync(editor, "type: task\nresources:\n  ‸\n");
        var old = first.Item("resources");

        var stale = await editor.ResultAsync("completionItem/resolve", old);
        var current = await editor.ResultAsync("completionItem/resolve", second.Item("gpu"));

        Assert.Equal(old.ToString(), stale.ToString());
        Assert.True(current.TryGetProperty("documentation", out _), current.ToString());
        foreach (var data in new object?[] { null, "x", new[] { 1 }, new object[] { "a", 0 }, new long[] { 99, -1 }, new { list = 1 } })
        {
            var item = new { label = "odd", data };
            var back = await editor.ResultAsync("completionItem/resolve", item);
            Assert.Equal(JsonSerializer.SerializeToElement(item).ToString(), back.ToString());
        }
    }

    private static Position Read(JsonElement position) => new(position.GetProperty("line").GetInt32(), position.GetProperty("character").GetInt32());
}
