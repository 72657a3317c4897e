using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Server;
using Dstack.LanguageServer.Workflows;

namespace Dstack.LanguageServer.Handlers;

/// <summary>
/// <c>textDocument/didClose</c>: forgets the document and clears its diagnostics in the client. A closed workflows file
/// counts as its disk text again, so the other open workflows files of its folder are checked again.
/// </summary>
public sealed class DidCloseHandler() : NotificationHandler<DidCloseTextDocumentParams>(Methods.DidClose, () => LspJsonContext.Default.DidCloseTextDocumentParams)
{
    protected override async Task HandleAsync(DidCloseTextDocumentParams parameters, ServerContext context)
    {
        var uri = parameters.TextDocument.Uri;
        if (context.Documents.Close(uri))
        {
            await DiagnosticPublisher.ClearAsync(context, uri).ConfigureAwait(false);
            await WorkflowNeighbours.RecheckAsync(context, DocumentUri.FilePath(uri)).ConfigureAwait(false);
        }
    }
}
