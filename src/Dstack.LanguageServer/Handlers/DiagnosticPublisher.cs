using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Server;

namespace Dstack.LanguageServer.Handlers;

/// <summary>
/// Pushes a document's diagnostics (<c>textDocument/publishDiagnostics</c>), tagged with the version they describe.
/// The check runs in the background, per document and newest text first (<see cref="LatestWork"/>): the read loop goes
/// on at once, and a version that an edit has already replaced is neither checked nor published. There is no delay:
/// a single edit is checked as soon as it arrives. A client that pulls diagnostics (<see cref="ClientFeatures.PullDiagnostics"/>)
/// gets none pushed: it would show each problem twice.
/// </summary>
public static class DiagnosticPublisher
{
    /// <summary>Queues the check of <paramref name="document"/>; returns once it is queued.</summary>
    public static Task PublishAsync(ServerContext context, DocumentSnapshot document)
    {
        if (context.ClientFeatures.PullDiagnostics)
        {
            return Task.CompletedTask;
        }

        context.Background.Post(document.Uri, async () =>
        {
            if (!IsCurrent(context, document))
            {
                return;
            }

            var diagnostics = DocumentDiagnostics.Compute(document, context.Documents);
            // A newer version or a close may have arrived meanwhile: its own work will publish what is true now.
            if (IsCurrent(context, document))
            {
                await SendSafelyAsync(context, new PublishDiagnosticsParams(document.Uri, document.Version, diagnostics)).ConfigureAwait(false);
            }
        });
        return Task.CompletedTask;
    }

    /// <summary>Clears the diagnostics of a closed document (an empty list, as LSP asks), after any check of it still running.</summary>
    public static Task ClearAsync(ServerContext context, string uri)
    {
        if (context.ClientFeatures.PullDiagnostics)
        {
            return Task.CompletedTask;
        }

        context.Background.Post(uri, () => context.Documents.Find(uri) is null
            ? SendSafelyAsync(context, new PublishDiagnosticsParams(uri, null, []))
            : Task.CompletedTask);
        return Task.CompletedTask;
    }

    private static bool IsCurrent(ServerContext context, DocumentSnapshot document) =>
        ReferenceEquals(context.Documents.Find(document.Uri), document);

    private static async Task SendSafelyAsync(ServerContext context, PublishDiagnosticsParams parameters)
    {
        try
        {
            await context.Client.NotifyAsync(Methods.PublishDiagnostics, parameters, LspJsonContext.Default.PublishDiagnosticsParams).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            context.Log.Info($"could not publish diagnostics for {parameters.Uri}: {e.Message}");
        }
    }
}
