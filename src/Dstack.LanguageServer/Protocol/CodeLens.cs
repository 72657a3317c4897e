namespace Dstack.LanguageServer.Protocol;

/// <summary>An LSP <c>CodeLens</c>: a command shown above a line. Ours always come with their command (no resolve).</summary>
/// <param name="Range">The line it belongs to; clients show it above the range's start.</param>
/// <param name="Command">The title shown and the command run on a click.</param>
public sealed record CodeLens(TextRange Range, LspCommand Command);
