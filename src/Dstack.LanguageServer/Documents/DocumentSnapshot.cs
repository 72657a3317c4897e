using System.Text;
using Dstack.LanguageServer.Protocol;

namespace Dstack.LanguageServer.Documents;

/// <summary>One version of an open document. Immutable: a change makes a new snapshot, so readers never see half an edit.</summary>
/// <param name="Uri">The uri exactly as the client sent it (it is echoed back in diagnostics).</param>
/// <param name="Path">The file path the uri names; it decides the kind of file (run configuration, profiles, workflows).</param>
/// <param name="Version">The client's version number for this text.</param>
/// <param name="Text">The full text.</param>
public sealed record DocumentSnapshot(string Uri, string Path, int Version, string Text)
{
    public static DocumentSnapshot Open(TextDocumentItem item) => new(item.Uri, DocumentUri.LocalPath(item.Uri), item.Version, item.Text);

    /// <summary>
    /// The snapshot after <paramref name="changes"/>, applied in order, each to the text the previous one left: a change
    /// with a range replaces that range (positions in UTF-16 code units), one without replaces the whole text.
    /// </summary>
    public DocumentSnapshot WithChanges(int version, IEnumerable<TextDocumentContentChangeEvent> changes)
    {
        var text = Text;
        foreach (var change in changes)
        {
            text = change.Range is { } range ? Replace(text, range, change.Text) : change.Text;
        }

        return this with { Version = version, Text = text };
    }

    private static string Replace(string text, TextRange range, string replacement)
    {
        var lines = new LineMap(text);
        var start = lines.OffsetOf(range.Start);
        var end = lines.OffsetOf(range.End);
        if (end < start)
        {
            // A reversed range: take it as the same span rather than fail the whole document.
            (start, end) = (end, start);
        }

        return new StringBuilder(text.Length - (end - start) + replacement.Length)
            .Append(text, 0, start)
            .Append(replacement)
            .Append(text, end, text.Length - end)
            .ToString();
    }
}
