using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Server;
using Dstack.LanguageServer.Workflows;

namespace Dstack.LanguageServer.Handlers;

/// <summary>
/// <c>textDocument/didOpen</c>: keeps a dstack document and publishes its diagnostics; other files are ignored. An open
/// buffer's text counts over the disk's, so the other open workflows files of its folder are checked again.
/// </summary>
public sealed class DidOpenHandler() : NotificationHandler<DidOpenTextDocumentParams>(Methods.DidOpen, () => LspJsonContext.Default.DidOpenTextDocumentParams)
{
    protected override async Task HandleAsync(DidOpenTextDocumentParams parameters, ServerContext context)
    {
        var uri = parameters.TextDocument.Uri;
        if (!DocumentUri.IsDstackFile(uri))
        {
            return;
        }

        await DiagnosticPublisher.PublishAsync(context, context.Documents.Open(parameters.TextDocument)).ConfigureAwait(false);
        await WorkflowNeighbours.RecheckAsync(context, DocumentUri.FilePath(uri), except: uri).ConfigureAwait(false);
    }
}
