using Dstack.LanguageServer.QuickFixes;
using Dstack.Runtime.Configuration;

namespace Dstack.LanguageServer.Tests.QuickFixes;

/// <summary>Removing a top-level entry takes its whole lines, and nothing when the entry shares a line.</summary>
[Trait("Category", "Fast")]
public sealed class EntryLinesTests
{
    [Theory]
    [InlineData("type: task\nimage: x\npython: \"3.11\"\n", "image", "type: task\npython: \"3.11\"\n")]
    [InlineData("type: task\r\nimage: x\r\npython: \"3.11\"\r\n", "image", "type: task\r\npython: \"3.11\"\r\n")]
    [InlineData("type: task\nimage: x\npython: \"3.11\"", "python", "type: task\nimage: x\n")]
    [InlineData("type: task\nimage:\n  ubuntu\npython: \"3.11\"\n", "image", "type: task\npython: \"3.11\"\n")]
    [InlineData("type: task\nimage: x   # comment\npython: \"3.11\"\n", "image", "type: task\npython: \"3.11\"\n")]
    public void Removal_BlockEntry_RemovesItsLines(string text, string key, string expected)
    {
        var edit = EntryLines.Removal(text, ConfigurationLoader.LoadText("t.dstack.yml", text).Root, key);

        Assert.Equal(expected, Assert.IsType<TextReplacement>(edit).ApplyTo(text));
    }

    [Theory]
    [InlineData("{type: task, image: x, python: \"3.11\"}\n", "image")]
    [InlineData("type: task\nimage: x\n", "python")]
    public void Removal_SharedLineOrMissing_Null(string text, string key) =>
        Assert.Null(EntryLines.Removal(text, ConfigurationLoader.LoadText("t.dstack.yml", text).Root, key));
}
