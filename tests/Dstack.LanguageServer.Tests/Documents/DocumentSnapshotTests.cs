using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Protocol;

namespace Dstack.LanguageServer.Tests.Documents;

[Trait("Category", "Fast")]
public sealed class DocumentSnapshotTests
{
    private static readonly DocumentSnapshot Train = DocumentSnapshot.Open(new TextDocumentItem(
        "file:///w/train.dstack.yml", "yaml", 1, "type: task\ncommands:\n  - echo hi\nresources:\n  gpu: A100\n"));

    [Fact]
    public void WithChanges_Insert_AddsTextAtThePosition()
    {
        var changed = Train.WithChanges(2, [Change(4, 11, 4, 11, ":80GB")]);

        Assert.Equal("type: task\ncommands:\n  - echo hi\nresources:\n  gpu: A100:80GB\n", changed.Text);
        Assert.Equal(2, changed.Version);
        Assert.Equal(1, Train.Version);
        Assert.Contains("gpu: A100\n", Train.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void WithChanges_MultiLineRange_ReplacesAcrossLines()
    {
        var changed = Train.WithChanges(2, [Change(1, 9, 3, 10, " [python train.py]\nenv:\n  - A=1\nresources:")]);

        Assert.Equal("type: task\ncommands: [python train.py]\nenv:\n  - A=1\nresources:\n  gpu: A100\n", changed.Text);
    }

    [Fact]
    public void WithChanges_DeleteLines_RemovesThem()
    {
        var changed = Train.WithChanges(2, [Change(3, 0, 5, 0, string.Empty)]);

        Assert.Equal("type: task\ncommands:\n  - echo hi\n", changed.Text);
    }

    [Fact]
    public void WithChanges_NonAscii_CountsUtf16CodeUnits()
    {
        var start = Train.WithChanges(2, [Full("name: \"😀 日本\"\nenv:\n  - GREETING=héllo 😀!\n")]);

        // Line 0: `name: "` is 7 units, 😀 is 2 more, then a space: 日 is at 10.
        var afterEmoji = start.WithChanges(3, [Change(0, 9, 0, 10, "_")]);
        // Line 2: `  - GREETING=h` is 14 units, é at 14; `llo ` follows, so 😀 is at 19..21.
        var replacedEmoji = afterEmoji.WithChanges(4, [Change(2, 19, 2, 21, "🎉🎉")]);
        var replacedAccent = replacedEmoji.WithChanges(5, [Change(2, 14, 2, 15, "e")]);

        Assert.Equal("name: \"😀_日本\"\nenv:\n  - GREETING=héllo 😀!\n", afterEmoji.Text);
        Assert.Equal("name: \"😀_日本\"\nenv:\n  - GREETING=héllo 🎉🎉!\n", replacedEmoji.Text);
        Assert.Equal("name: \"😀_日本\"\nenv:\n  - GREETING=hello 🎉🎉!\n", replacedAccent.Text);
    }

    [Fact]
    public void WithChanges_SeveralChanges_ApplyInOrderEachToThePreviousText()
    {
        // As VS Code sends a multi-cursor edit: the second range is in the text the first change left.
        var changed = Train.WithChanges(2, [Change(0, 6, 0, 10, "service"), Change(0, 13, 0, 13, "\nport: 80")]);

        Assert.Equal("type: service\nport: 80\ncommands:\n  - echo hi\nresources:\n  gpu: A100\n", changed.Text);
    }

    [Fact]
    public void WithChanges_CrLfText_KeepsTheLineBreaksIntact()
    {
        var crlf = Train.WithChanges(2, [Full("type: task\r\ncommands:\r\n  - echo hi\r\n")]);

        var changed = crlf.WithChanges(3, [Change(0, 99, 0, 99, " # end of line"), Change(2, 4, 2, 8, "ls")]);

        Assert.Equal("type: task # end of line\r\ncommands:\r\n  - ls hi\r\n", changed.Text);
    }

    [Fact]
    public void WithChanges_FullChange_ReplacesEverythingAndLaterRangesApplyToIt()
    {
        var changed = Train.WithChanges(2, [Full("a\nb\n"), Change(1, 0, 1, 1, "c")]);

        Assert.Equal("a\nc\n", changed.Text);
    }

    [Fact]
    public void WithChanges_PastTheEnd_AppendsAtTheEnd()
    {
        var changed = Train.WithChanges(2, [Change(99, 0, 99, 0, "env: [A=1]\n")]);

        Assert.EndsWith("  gpu: A100\nenv: [A=1]\n", changed.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void WithChanges_RandomEdits_MatchTheSameEditsOnAString()
    {
        var random = new Random(5);
        var alphabet = new[] { "a", "b", " ", "\n", "\r\n", "é", "😀", ":", "-" };
        var snapshot = Train;
        var expected = Train.Text;
        for (var i = 0; i < 500; i++)
        {
            var start = random.Next(expected.Length + 1);
            var end = random.Next(start, Math.Min(expected.Length, start + 6) + 1);
            if (IsInsideCrLf(expected, start) || IsInsideCrLf(expected, end))
            {
                continue;
            }

            var insert = string.Concat(Enumerable.Range(0, random.Next(4)).Select(_ => alphabet[random.Next(alphabet.Length)]));
            var lines = new LineMap(expected);
            var change = new TextDocumentContentChangeEvent(insert, new TextRange(lines.PositionOf(start), lines.PositionOf(end)));

            snapshot = snapshot.WithChanges(i + 2, [change]);
            expected = expected[..start] + insert + expected[end..];

            Assert.Equal(expected, snapshot.Text);
        }
    }

    private static bool IsInsideCrLf(string text, int offset) => offset > 0 && offset < text.Length && text[offset - 1] == '\r' && text[offset] == '\n';

    private static TextDocumentContentChangeEvent Change(int startLine, int startCharacter, int endLine, int endCharacter, string text) =>
        new(text, new TextRange(new Position(startLine, startCharacter), new Position(endLine, endCharacter)));

    private static TextDocumentContentChangeEvent Full(string text) => new(text);
}
