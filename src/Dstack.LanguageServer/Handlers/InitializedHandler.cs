using System.Text.Json;
using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Runs;
using Dstack.LanguageServer.Server;
using Dstack.Runtime.State;

namespace Dstack.LanguageServer.Handlers;

/// <summary>
/// <c>initialized</c>: the client has the server's capabilities, so the start-up warm-up begins now, after the answer
/// to <c>initialize</c> (started earlier, it would compete with that answer for the JIT and the two cores). A client
/// that shows work-done progress also gets the progress of the runs of its open files, from
/// <paramref name="runs"/>, read every <paramref name="runPoll"/>. A client that can watch files for the server is
/// asked to report changes on disk to workflows files (the one dynamic registration). A client that refreshes code
/// lenses on request has them refreshed when a run of an open file publishes or loses its endpoints (read through
/// <paramref name="endpoints"/>). A client that sends
/// <c>initialized</c> again (LSP allows it once) starts nothing more: one watcher per session.
/// </summary>
public sealed class InitializedHandler(DstackHome runs, RunEndpointsReader endpoints, TimeSpan? runPoll = null) : INotificationHandler
{
    private int _handled;

    public string Method => Methods.Initialized;

    public async Task HandleAsync(JsonElement? parameters, ServerContext context)
    {
        if (Interlocked.Exchange(ref _handled, 1) == 1)
        {
            context.Log.Info("the client sent 'initialized' again; it is sent once per session, so nothing more was started");
            return;
        }

        _ = WarmUp.StartAsync();
        if (context.ClientFeatures.WatchesFiles)
        {
            // Not awaited: the answer is read by the loop this notification holds.
            _ = WatchWorkflowsFilesAsync(context);
        }

        if (context.ClientFeatures.WorkDoneProgress)
        {
            await context.KeepAsync(RunProgressWatcher.Start(context, runs, runPoll)).ConfigureAwait(false);
        }

        if (context.ClientFeatures.RefreshesCodeLenses)
        {
            await context.KeepAsync(RunEndpointsWatcher.Start(context, endpoints, runPoll)).ConfigureAwait(false);
        }
    }

    private static async Task WatchWorkflowsFilesAsync(ServerContext context)
    {
        var options = JsonSerializer.SerializeToElement(
            new DidChangeWatchedFilesRegistrationOptions([new LspFileSystemWatcher(Workflows.WorkflowNeighbours.WatchedGlob)]),
            LspJsonContext.Default.DidChangeWatchedFilesRegistrationOptions);
        var registration = new RegistrationParams([new Registration("dstack-workflows-files", Methods.DidChangeWatchedFiles, options)]);
        try
        {
            await context.Client.RequestAsync(Methods.RegisterCapability, registration, LspJsonContext.Default.RegistrationParams, context.Ending).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ClientErrorException or TimeoutException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            context.Log.Info($"workflows files are not watched on disk ({e.Message}); edits in open files are still seen");
        }
    }
}
