namespace Dstack.LanguageServer.Protocol;

/// <summary>
/// One change in <c>textDocument/didChange</c>: with a <paramref name="Range"/>, <paramref name="Text"/> replaces that
/// range (incremental sync); without one, it is the whole new text (full sync).
/// </summary>
/// <param name="Text">The new text of the range, or of the document.</param>
/// <param name="Range">The range replaced, in UTF-16 positions of the text as it is before this change.</param>
/// <param name="RangeLength">Deprecated by LSP and ignored: the range is authoritative.</param>
public sealed record TextDocumentContentChangeEvent(string Text, TextRange? Range = null, int? RangeLength = null);
