namespace Dstack.LanguageServer.Protocol;

/// <summary>What this server offers, announced in the <c>initialize</c> result.</summary>
/// <param name="PositionEncoding">Always <c>utf-16</c>, the encoding every client supports.</param>
/// <param name="TextDocumentSync">Open and close notifications, and incremental changes.</param>
/// <param name="DiagnosticProvider">Pull diagnostics (<c>textDocument/diagnostic</c>).</param>
/// <param name="CompletionProvider">Completion (<c>textDocument/completion</c>).</param>
public sealed record ServerCapabilities(
    string PositionEncoding,
    TextDocumentSyncOptions TextDocumentSync,
    DiagnosticOptions DiagnosticProvider,
    CompletionOptions? CompletionProvider = null);
