using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Formatting;
using Dstack.LanguageServer.Protocol;

namespace Dstack.LanguageServer.Tests.Formatting;

/// <summary>Runs the formatter on a text and applies its edits as a client does: all against the original text, last first.</summary>
internal static class FormatterRun
{
    public const string Path = "/work/project/train.dstack.yml";

    public static FormattingResult Format(string text, FormattingOptions? options = null, string path = Path) =>
        DocumentFormatter.Format(new DocumentSnapshot("file://" + path, path, 1, text), options ?? new FormattingOptions(2, true));

    public static string Apply(string text, IReadOnlyList<TextEdit> edits)
    {
        var lines = new LineMap(text);
        var ordered = edits.Select(e => (Start: lines.OffsetOf(e.Range.Start), End: lines.OffsetOf(e.Range.End), e.NewText)).OrderByDescending(e => e.Start).ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            Assert.True(ordered[i].End <= ordered[i - 1].Start, "edits overlap");
        }

        foreach (var (start, end, newText) in ordered)
        {
            text = text[..start] + newText + text[end..];
        }

        return text;
    }

    /// <summary>The formatted text; fails when the formatter refuses.</summary>
    public static string Formatted(string text, FormattingOptions? options = null, string path = Path)
    {
        var result = Format(text, options, path);
        Assert.Null(result.Refusal);
        return Apply(text, result.Edits);
    }
}
