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
/// <paramref name="runs"/>, read every <paramref name="runPoll"/>. There are no dynamic registrations.
/// </summary>
public sealed class InitializedHandler(DstackHome runs, TimeSpan? runPoll = null) : INotificationHandler
{
    public string Method => Methods.Initialized;

    public async Task HandleAsync(JsonElement? parameters, ServerContext context)
    {
        _ = WarmUp.StartAsync();
        if (context.ClientFeatures.WorkDoneProgress)
        {
            await context.KeepAsync(RunProgressWatcher.Start(context, runs, runPoll)).ConfigureAwait(false);
        }
    }
}
