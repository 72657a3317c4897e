using Dstack.Runtime.Yaml;

namespace Dstack.LanguageServer.QuickFixes;

/// <summary>
/// The whole lines of one top-level <c>key: value</c> entry, so the entry can be removed without leaving a blank or
/// a broken line. Only for an entry alone on its lines (block style); in a flow mapping (<c>{image: x, python: y}</c>)
/// there is no such range, and no fix is offered.
/// </summary>
public static class EntryLines
{
    /// <summary>The removal of <paramref name="key"/>'s lines, or null when the entry is missing or shares a line.</summary>
    public static TextReplacement? Removal(string text, YamlNode? root, string key)
    {
        if (root is not YamlMapping mapping || mapping.Find(key) is not { } entry)
        {
            return null;
        }

        var start = entry.Key.Span.Start;
        var lineStart = start;
        while (lineStart > 0 && text[lineStart - 1] is not ('\n' or '\r'))
        {
            lineStart--;
        }

        var end = entry.Value.Span.End;
        var lineEnd = end;
        while (lineEnd < text.Length && text[lineEnd] is not ('\n' or '\r'))
        {
            lineEnd++;
        }

        if (!string.IsNullOrWhiteSpace(text[lineStart..start]) || !IsBlankOrComment(text[end..lineEnd]))
        {
            return null;
        }

        var afterBreak = lineEnd < text.Length && text[lineEnd] == '\r' && lineEnd + 1 < text.Length && text[lineEnd + 1] == '\n' ? lineEnd + 2 : Math.Min(text.Length, lineEnd + 1);
        return new TextReplacement(lineStart, afterBreak, string.Empty);
    }

    private static bool IsBlankOrComment(string rest)
    {
        var trimmed = rest.TrimStart(' ', '\t');
        return trimmed.Length == 0 || trimmed[0] == '#';
    }
}
