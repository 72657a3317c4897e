namespace Dstack.LanguageServer.Protocol;

/// <summary>How the client wants a document formatted. YAML indents with spaces only, so <paramref name="InsertSpaces"/> is not read.</summary>
/// <param name="TabSize">Spaces per indentation level.</param>
/// <param name="InsertSpaces">The client's preference for spaces over tabs.</param>
/// <param name="TrimTrailingWhitespace">Trim whitespace at the end of lines (default: yes).</param>
/// <param name="InsertFinalNewline">End the text with a line break (default: yes).</param>
/// <param name="TrimFinalNewlines">Drop blank lines at the end (default: no).</param>
public sealed record FormattingOptions(int TabSize, bool InsertSpaces, bool? TrimTrailingWhitespace = null, bool? InsertFinalNewline = null, bool? TrimFinalNewlines = null);
