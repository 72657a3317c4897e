using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Server;
using Dstack.LanguageServer.Workflows;

namespace Dstack.LanguageServer.Handlers;

/// <summary>
/// <c>textDocument/didChange</c>: applies full or incremental changes, then publishes fresh diagnostics (and those of
/// the other open workflows files of the folder, when a workflows file changed).
/// </summary>
public sealed class DidChangeHandler() : NotificationHandler<DidChangeTextDocumentParams>(Methods.DidChange, () => LspJsonContext.Default.DidChangeTextDocumentParams)
{
    protected override async Task HandleAsync(DidChangeTextDocumentParams parameters, ServerContext context)
    {
        var uri = parameters.TextDocument.Uri;
        if (!DocumentUri.IsDstackFile(uri))
        {
            return;
        }

        if (parameters.ContentChanges.Any(c => c is null))
        {
            throw new JsonRpcException(ErrorCodes.InvalidParams, $"invalid params for '{Method}': a content change is null; the change to {uri} was not applied");
        }

        if (context.Documents.Change(parameters.TextDocument, parameters.ContentChanges) is { } changed)
        {
            await DiagnosticPublisher.PublishAsync(context, changed).ConfigureAwait(false);
            await WorkflowNeighbours.RecheckAsync(context, DocumentUri.FilePath(uri), except: uri).ConfigureAwait(false);
        }
        else
        {
            await context.Log.WarningAsync($"'{Method}' for {uri}, which is not open: the change was ignored (send didOpen first)").ConfigureAwait(false);
        }
    }
}
