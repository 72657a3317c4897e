using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Server;

namespace Dstack.LanguageServer.Runs;

/// <summary>
/// Keeps the lenses of open files in step with their runs: a background loop that reads, every interval, the
/// endpoints of the active runs of the open documents (<see cref="RunEndpointsReader"/>) and, when they differ from the
/// last read (a service's URL appeared, a dev environment became ready, a run ended), asks the client for its code
/// lenses again (<c>workspace/codeLens/refresh</c>). Started only for a client that declares
/// <c>workspace.codeLens.refreshSupport</c>; nothing is read while no document is open. A failed turn is logged once
/// and the next one tried. It stops on <c>shutdown</c> or at the end of the session.
/// </summary>
public sealed class RunEndpointsWatcher : IAsyncDisposable
{
    private readonly ServerContext _context;
    private readonly RunEndpointsReader _reader;
    private IReadOnlyDictionary<string, LiveEndpoints> _last = new Dictionary<string, LiveEndpoints>();
    private StatePollingLoop? _loop;

    private RunEndpointsWatcher(ServerContext context, RunEndpointsReader reader)
    {
        _context = context;
        _reader = reader;
    }

    /// <summary>Starts the loop; returns at once.</summary>
    /// <param name="interval">The pause between two reads; default <see cref="RunProgressWatcher.DefaultInterval"/>.</param>
    public static RunEndpointsWatcher Start(ServerContext context, RunEndpointsReader reader, TimeSpan? interval = null)
    {
        var watcher = new RunEndpointsWatcher(context, reader);
        watcher._loop = StatePollingLoop.Start("run endpoints", context.Log, interval ?? RunProgressWatcher.DefaultInterval, _ =>
        {
            watcher.Turn();
            return Task.CompletedTask;
        });
        return watcher;
    }

    /// <summary>Stops the loop.</summary>
    public ValueTask DisposeAsync() => _loop?.DisposeAsync() ?? ValueTask.CompletedTask;

    private void Turn()
    {
        var open = _context.Documents.All.Select(d => DocumentUri.FilePath(d.Uri)).OfType<string>().ToList();
        var current = open.Count == 0 ? new Dictionary<string, LiveEndpoints>() : _reader.For(open);
        var changed = current.Count != _last.Count || current.Any(c => !_last.TryGetValue(c.Key, out var before) || before != c.Value);
        _last = current;
        if (changed && open.Count > 0)
        {
            _context.CodeLensRefresh.Request();
        }
    }
}
