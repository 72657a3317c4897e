using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Handlers;
using Dstack.LanguageServer.Server;
using Dstack.Runtime.Pipelines;

namespace Dstack.LanguageServer.Workflows;

/// <summary>
/// The open workflows files of one folder check each other (a dep names a workflow of another file): when one of them
/// changes, in an open buffer or on disk, the others' diagnostics are checked again. A client that pulls diagnostics
/// is asked to pull again instead.
/// </summary>
public static class WorkflowNeighbours
{
    /// <summary>The glob the server asks the client to watch on disk: every workflows file.</summary>
    public const string WatchedGlob = "**/.dstack/workflows/*.{yaml,yml}";

    /// <summary>
    /// After the workflows file at <paramref name="changedPath"/> changed: checks again every open workflows file of the
    /// same repository but <paramref name="except"/> (whose own check is already queued). Anything else does nothing.
    /// </summary>
    public static async Task RecheckAsync(ServerContext context, string? changedPath, string? except = null)
    {
        if (changedPath is null || WorkflowsFolder.RepoRootOf(changedPath) is not { } root)
        {
            return;
        }

        var neighbours = context.Documents.All
            .Where(d => d.Uri != except && DocumentUri.FilePath(d.Uri) is { } path && WorkflowsFolder.RepoRootOf(path) == root)
            .ToList();
        if (neighbours.Count == 0)
        {
            return;
        }

        if (context.ClientFeatures.PullDiagnostics)
        {
            if (context.ClientFeatures.RefreshesDiagnostics)
            {
                context.DiagnosticRefresh.Request();
            }

            return;
        }

        foreach (var neighbour in neighbours)
        {
            await DiagnosticPublisher.PublishAsync(context, neighbour).ConfigureAwait(false);
        }
    }
}
