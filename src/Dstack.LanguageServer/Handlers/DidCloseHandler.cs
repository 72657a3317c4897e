using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Server;

namespace Dstack.LanguageServer.Handlers;

/// <summary><c>textDocument/didClose</c>: forgets the document and clears its diagnostics in the client.</summary>
public sealed class DidCloseHandler() : NotificationHandler<DidCloseTextDocumentParams>(Methods.DidClose, LspJsonContext.Default.DidCloseTextDocumentParams)
{
    protected override Task HandleAsync(DidCloseTextDocumentParams parameters, ServerContext context) =>
        context.Documents.Close(parameters.TextDocument.Uri)
            ? DiagnosticPublisher.ClearAsync(context, parameters.TextDocument.Uri)
            : Task.CompletedTask;
}
