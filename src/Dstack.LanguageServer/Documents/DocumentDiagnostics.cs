using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Workflows;
using Dstack.Runtime.Diagnostics;

namespace Dstack.LanguageServer.Documents;

/// <summary>
/// A document's problems, from the same loader and rules as <c>dstack validate</c>, with the same codes and messages; a
/// workflows file's also from the other workflows of its folder (unknown <c>deps</c>, cycles), as open buffers show them.
/// The runtime's spans are 1-based lines and columns that count UTF-16 code units (string indexes), so an LSP
/// position is the line and column less one, with no re-encoding.
/// </summary>
public static class DocumentDiagnostics
{
    public const string Source = "dstack";

    public static IReadOnlyList<LspDiagnostic> Compute(DocumentSnapshot document, DocumentStore store) =>
        [.. All(document, store).Select(ToLsp)];

    /// <summary>
    /// The document's own problems (computed once per version), then what the other workflows files of its folder
    /// make of it (read again each time: they may have changed meanwhile).
    /// </summary>
    public static IReadOnlyList<Diagnostic> All(DocumentSnapshot document, DocumentStore store)
    {
        var own = CheckedDocuments.Of(document).Diagnostics;
        return RepositoryWorkflows.Of(document, store)?.Problems() is { Count: > 0 } across ? [.. own, .. across] : own;
    }

    public static LspDiagnostic ToLsp(Diagnostic diagnostic) => new(
        new TextRange(
            new Position(Math.Max(0, diagnostic.Span.StartLine - 1), Math.Max(0, diagnostic.Span.StartColumn - 1)),
            new Position(Math.Max(0, diagnostic.Span.EndLine - 1), Math.Max(0, diagnostic.Span.EndColumn - 1))),
        diagnostic.Severity switch
        {
            DiagnosticSeverity.Error => LspDiagnosticSeverity.Error,
            DiagnosticSeverity.Warning => LspDiagnosticSeverity.Warning,
            _ => LspDiagnosticSeverity.Information,
        },
        diagnostic.Code,
        Source,
        diagnostic.Message);
}
