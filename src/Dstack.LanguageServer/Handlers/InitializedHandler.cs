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
/// <paramref name="runs"/>, read every <paramref name="runPoll"/>. There are no dynamic registrations. A client
/// that sends <c>initialized</c> again (LSP allows it once) starts nothing more: one watcher per session.
/// </summary>
public sealed class InitializedHandler(DstackHome runs, TimeSpan? runPoll = null) : INotificationHandler
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
        if (context.ClientFeatures.WorkDoneProgress)
        {
            await context.KeepAsync(RunProgressWatcher.Start(context, runs, runPoll)).ConfigureAwait(false);
        }
    }
}
