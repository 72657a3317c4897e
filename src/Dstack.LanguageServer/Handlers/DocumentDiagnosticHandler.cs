using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Server;

namespace Dstack.LanguageServer.Handlers;

/// <summary>
/// <c>textDocument/diagnostic</c> (pull diagnostics): a full report for an open dstack document, computed like the
/// published ones; an empty report for any other uri.
/// </summary>
public sealed class DocumentDiagnosticHandler() : RequestHandler<DocumentDiagnosticParams, FullDocumentDiagnosticReport>(Methods.DocumentDiagnostic, () => LspJsonContext.Default.DocumentDiagnosticParams, () => LspJsonContext.Default.FullDocumentDiagnosticReport)
{
    protected override Task<FullDocumentDiagnosticReport> HandleAsync(DocumentDiagnosticParams parameters, ServerContext context, CancellationToken cancellation)
    {
        var document = context.Documents.Find(parameters.TextDocument.Uri);
        return Task.FromResult(new FullDocumentDiagnosticReport(document is null ? [] : DocumentDiagnostics.Compute(document, context.Documents)));
    }
}
