namespace Dstack.LanguageServer.Tests.Support;

/// <summary>Text with cursors marked by <c>‸</c> (as lsp-bench's probes mark them): the text without the marks, and the LSP positions of the marks.</summary>
public sealed record MarkedText(string Text, IReadOnlyList<(int Line, int Character)> Cursors)
{
    public const char Mark = '‸';

    public static MarkedText Parse(string marked)
    {
        var cursors = new List<(int, int)>();
        var lines = marked.Split('\n');
        for (var line = 0; line < lines.Length; line++)
        {
            for (var at = lines[line].IndexOf(Mark, StringComparison.Ordinal); at >= 0; at = lines[line].IndexOf(Mark, StringComparison.Ordinal))
            {
                cursors.Add((line, at));
                lines[line] = lines[line].Remove(at, 1);
            }
        }

        return new MarkedText(string.Join('\n', lines), cursors);
    }

    public (int Line, int Character) Cursor => Assert.Single(Cursors);
}
