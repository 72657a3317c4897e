using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Tests.Handlers;
using Dstack.LanguageServer.Tests.Support;

namespace Dstack.LanguageServer.Tests.Formatting;

/// <summary>Formatting cases: indentation, comments, block scalars, flow collections, options, refusals.</summary>
[Trait("Category", "Fast")]
public sealed class FormattingTests
{
    [Fact]
    public void Format_MixedIndentation_ReindentsBlocksAndKeepsCommentsAndBlockScalars()
    {
        const string text =
            "type: task   \n" +
            "# what to run\n" +
            "commands:\n" +
            "- echo one\n" +
            "- |\n" +
            "    echo \"two\"\n" +
            "      indented more  \n" +
            "\n" +
            "    after a blank line\n" +
            "resources:\n" +
            "    # the GPU\n" +
            "    gpu: A100\n" +
            "    memory: 16GB..  # inline comment\n" +
            "backends: [aws,   gcp]\n" +
            "env:\n" +
            "      - A='quoted  text'\n" +
            "      - B=\"x\"";

        const string expected =
            "type: task\n" +
            "# what to run\n" +
            "commands:\n" +
            "  - echo one\n" +
            "  - |\n" +
            "      echo \"two\"\n" +
            "        indented more  \n" +
            "\n" +
            "      after a blank line\n" +
            "resources:\n" +
            "  # the GPU\n" +
            "  gpu: A100\n" +
            "  memory: 16GB..  # inline comment\n" +
            "backends: [aws,   gcp]\n" +
            "env:\n" +
            "  - A='quoted  text'\n" +
            "  - B=\"x\"\n";
        Assert.Equal(expected, FormatterRun.Formatted(text));
    }

    [Fact]
    public void Format_TabSizeFour_IndentsEachLevelByFour()
    {
        const string text = "type: task\ncommands:\n  - echo\nresources:\n  gpu:\n    name: A100\n    count: 2\n";

        var formatted = FormatterRun.Formatted(text, new FormattingOptions(4, true));

        Assert.Equal("type: task\ncommands:\n    - echo\nresources:\n    gpu:\n        name: A100\n        count: 2\n", formatted);
    }

    [Fact]
    public void Format_MappingsInListItems_FollowTheDash()
    {
        const string text = "profiles:\n- name: a\n  default: true\n-   name: b\n    max_price: 1\n";

        var formatted = FormatterRun.Formatted(text, path: "/work/project/.dstack/profiles.yml");

        Assert.Equal("profiles:\n  - name: a\n    default: true\n  -   name: b\n      max_price: 1\n", formatted);
    }

    [Fact]
    public void Format_OnlyChangedLines_GetEdits()
    {
        const string text = "type: task\ncommands:\n    - echo\nname: x \n";

        var result = FormatterRun.Format(text);

        Assert.Equal([(2, "  - echo"), (3, "name: x")], result.Edits.Select(e => (e.Range.Start.Line, e.NewText)));
        Assert.All(result.Edits, e => Assert.Equal(0, e.Range.Start.Character));
    }

    [Fact]
    public void Format_FormattedText_HasNoEdits()
    {
        var result = FormatterRun.Format("type: task\ncommands:\n  - echo\n");

        Assert.Null(result.Refusal);
        Assert.Empty(result.Edits);
    }

    [Fact]
    public void Format_CrLf_KeepsTheLineBreaks()
    {
        Assert.Equal("type: task\r\ncommands:\r\n  - echo\r\n", FormatterRun.Formatted("type: task\r\ncommands:\r\n    - echo"));
    }

    [Theory]
    [InlineData(null, null, null, "type: task\ncommands: [echo]\n\n\n")]
    [InlineData(false, null, null, "type: task\ncommands: [echo]   \n\n\n")]
    [InlineData(null, true, null, "type: task\ncommands: [echo]\n")]
    public void Format_Options_AreRespected(bool? trimTrailing, bool? trimFinal, bool? insertFinal, string expected)
    {
        var options = new FormattingOptions(2, true, trimTrailing, insertFinal, trimFinal);

        Assert.Equal(expected, FormatterRun.Formatted("type: task\ncommands: [echo]   \n\n\n", options));
    }

    [Fact]
    public void Format_InsertFinalNewlineFalse_LeavesTheEndAlone()
    {
        Assert.Equal("type: task\ncommands: [echo]", FormatterRun.Formatted("type: task\ncommands: [echo]", new FormattingOptions(2, true, InsertFinalNewline: false)));
    }

    [Fact]
    public void Format_MultiLineFlowAndQuotedScalars_MoveWithTheirKey()
    {
        const string text = "type: task\nresources:\n    gpu: {name: [A100,\n          H100], count: 2}\ncommands:\n    - \"echo one\n      two\"\n";

        Assert.Equal(
            "type: task\nresources:\n  gpu: {name: [A100,\n        H100], count: 2}\ncommands:\n  - \"echo one\n    two\"\n",
            FormatterRun.Formatted(text));
    }

    [Theory]
    [InlineData("type: task\ncommands: [echo\n")]
    [InlineData("type: task\ncommands:\n  - |2\n     echo\n")]
    [InlineData("base: &b\n  cpu: 2\nresources:\n  <<: *b\n  gpu: A100\n")]
    public void Format_WhatItCannotDoSafely_IsRefused(string text)
    {
        var result = FormatterRun.Format(text);

        Assert.NotNull(result.Refusal);
        Assert.Empty(result.Edits);
    }

    [Fact]
    public async Task Formatting_OverTheClient_ReturnsEditsAndNothingForBrokenYaml()
    {
        const string uri = "file:///work/project/train.dstack.yml";
        await using var client = await TestClient.InitializedAsync();
        await client.NotifyAsync("textDocument/didOpen", DiagnosticsTests.Open(uri, "type: task\ncommands:\n    - echo\n"));
        var edits = await client.ResultAsync("textDocument/formatting", new { textDocument = new { uri }, options = new { tabSize = 2, insertSpaces = true } });
        await client.NotifyAsync("textDocument/didChange", DiagnosticsTests.Change(uri, 2, (1, 9, 1, 9, " [echo")));
        var refused = await client.ResultAsync("textDocument/formatting", new { textDocument = new { uri }, options = new { tabSize = 2, insertSpaces = true } });

        var edit = Assert.Single(edits.EnumerateArray());
        Assert.Equal("  - echo", edit.GetProperty("newText").GetString());
        Assert.Equal(2, edit.GetProperty("range").GetProperty("start").GetProperty("line").GetInt32());
        Assert.Empty(refused.EnumerateArray());
        Assert.Contains("not formatting", client.Stderr.ToString(), StringComparison.Ordinal);
    }
}
