using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Server;
using Dstack.LanguageServer.Workflows;

namespace Dstack.LanguageServer.Handlers;

/// <summary>
/// <c>workspace/didChangeWatchedFiles</c>: a workflows file changed on disk (saved, created, deleted, or changed by
/// another program), so the open workflows files of its folder are checked again. Other files are ignored.
/// </summary>
public sealed class DidChangeWatchedFilesHandler() : NotificationHandler<DidChangeWatchedFilesParams>(Methods.DidChangeWatchedFiles, () => LspJsonContext.Default.DidChangeWatchedFilesParams)
{
    protected override async Task HandleAsync(DidChangeWatchedFilesParams parameters, ServerContext context)
    {
        // One check per folder, however many of its files changed at once (a checkout, a rename).
        var folders = parameters.Changes
            .Where(c => c is not null)
            .Select(c => DocumentUri.FilePath(c.Uri))
            .Where(p => p is not null)
            .DistinctBy(p => Path.GetDirectoryName(p), StringComparer.Ordinal)
            .ToList();
        foreach (var path in folders)
        {
            await WorkflowNeighbours.RecheckAsync(context, path).ConfigureAwait(false);
        }
    }
}
