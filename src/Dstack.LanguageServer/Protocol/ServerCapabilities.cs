namespace Dstack.LanguageServer.Protocol;

/// <summary>What this server offers, announced in the <c>initialize</c> result.</summary>
/// <param name="PositionEncoding">Always <c>utf-16</c>, the encoding every client supports.</param>
/// <param name="TextDocumentSync">Open and close notifications, and incremental changes.</param>
/// <param name="DiagnosticProvider">Pull diagnostics (<c>textDocument/diagnostic</c>).</param>
public sealed record ServerCapabilities(string PositionEncoding, TextDocumentSyncOptions TextDocumentSync, DiagnosticOptions DiagnosticProvider)
{
    /// <summary>Code lenses on a run configuration's <c>type:</c> line, whole (no resolve).</summary>
    public CodeLensOptions? CodeLensProvider { get; init; }

    /// <summary>The <c>dstack.*</c> commands of <c>workspace/executeCommand</c>.</summary>
    public ExecuteCommandOptions? ExecuteCommandProvider { get; init; }

    /// <summary>Quick fixes (<c>textDocument/codeAction</c> of kind <c>quickfix</c>).</summary>
    public CodeActionOptions? CodeActionProvider { get; init; }

    /// <summary><c>textDocument/hover</c>.</summary>
    public bool? HoverProvider { get; init; }

    /// <summary><c>textDocument/documentSymbol</c>.</summary>
    public bool? DocumentSymbolProvider { get; init; }

    /// <summary><c>textDocument/formatting</c>.</summary>
    public bool? DocumentFormattingProvider { get; init; }

    /// <summary>Completion (<c>textDocument/completion</c>).</summary>
    public CompletionOptions? CompletionProvider { get; init; }
}
