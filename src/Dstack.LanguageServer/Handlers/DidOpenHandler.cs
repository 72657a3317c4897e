using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Server;

namespace Dstack.LanguageServer.Handlers;

/// <summary><c>textDocument/didOpen</c>: keeps a dstack document and publishes its diagnostics; other files are ignored.</summary>
public sealed class DidOpenHandler() : NotificationHandler<DidOpenTextDocumentParams>(Methods.DidOpen, LspJsonContext.Default.DidOpenTextDocumentParams)
{
    protected override Task HandleAsync(DidOpenTextDocumentParams parameters, ServerContext context) =>
        DocumentUri.IsDstackFile(parameters.TextDocument.Uri)
            ? DiagnosticPublisher.PublishAsync(context, context.Documents.Open(parameters.TextDocument))
            : Task.CompletedTask;
}
