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
    private readonly TimeSpan _interval;
    private readonly CancellationTokenSource _stop = new();
    private IReadOnlyDictionary<string, LiveEndpoints> _last = new Dictionary<string, LiveEndpoints>();
    private string? _lastProblem;
    private Task _loop = Task.CompletedTask;

    private RunEndpointsWatcher(ServerContext context, RunEndpointsReader reader, TimeSpan interval)
    {
        _context = context;
        _reader = reader;
        _interval = interval;
    }

    /// <summary>Starts the loop; returns at once.</summary>
    /// <param name="interval">The pause between two reads; default <see cref="RunProgressWatcher.DefaultInterval"/>.</param>
    public static RunEndpointsWatcher Start(ServerContext context, RunEndpointsReader reader, TimeSpan? interval = null)
    {
        var watcher = new RunEndpointsWatcher(context, reader, interval ?? RunProgressWatcher.DefaultInterval);
        watcher._loop = Task.Run(watcher.LoopAsync);
        return watcher;
    }

    /// <summary>Stops the loop.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        var stopping = _stop.Token;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                Turn();
                _lastProblem = null;
            }
            catch (Exception e)
            {
                // A watcher's failure must never reach the session: it is logged once, and the next turn tried.
                var text = $"run endpoints: {e.GetType().Name}: {e.Message}";
                if (text != _lastProblem)
                {
                    _lastProblem = text;
                    _context.Log.Info(text);
                }
            }

            try
            {
                await Task.Delay(_interval, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

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
