namespace Dstack.LanguageServer.Protocol;

/// <summary>An LSP position: 0-based line, and 0-based character offset in UTF-16 code units within that line.</summary>
public sealed record Position(int Line, int Character);
