using Dstack.LanguageServer.Protocol;
using Dstack.Runtime.Configuration;
using Dstack.Runtime.Diagnostics;

namespace Dstack.LanguageServer.Documents;

/// <summary>
/// A document's problems, from the same loader and rules as <c>dstack validate</c>, with the same codes and messages.
/// The runtime's spans are 1-based lines and columns that count UTF-16 code units (string indexes), so an LSP
/// position is the line and column less one, with no re-encoding.
/// </summary>
public static class DocumentDiagnostics
{
    public const string Source = "dstack";

    public static IReadOnlyList<LspDiagnostic> Compute(DocumentSnapshot document)
    {
        var checkedDocument = CheckedDocuments.Of(document);
        return [.. checkedDocument.Diagnostics.Select(ToLsp)];
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
