namespace Dstack.LanguageServer.Formatting;

/// <summary>A text cut into lines as LSP counts them, each line's content apart from the break that ends it.</summary>
/// <param name="Lines">The content of each line; the last is empty when the text ends with a break.</param>
/// <param name="Breaks">The break after each line but the last: <c>\n</c>, <c>\r\n</c> or <c>\r</c>.</param>
public sealed record TextLines(IReadOnlyList<string> Lines, IReadOnlyList<string> Breaks)
{
    public static TextLines Of(string text)
    {
        var lines = new List<string>();
        var breaks = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is '\n' or '\r')
            {
                var length = text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
                lines.Add(text[start..i]);
                breaks.Add(text.Substring(i, length));
                i += length - 1;
                start = i + 1;
            }
        }

        lines.Add(text[start..]);
        return new TextLines(lines, breaks);
    }
}
