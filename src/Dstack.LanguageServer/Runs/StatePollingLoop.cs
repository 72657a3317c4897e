using Dstack.LanguageServer.Server;

namespace Dstack.LanguageServer.Runs;

/// <summary>
/// The background loop of a watcher that reads the state store: one turn, then a pause of the interval, until it is
/// disposed. A failed turn never reaches the session: it is logged (once while it fails the same way; a turn that
/// succeeds resets that) and the next turn is tried. On disposal the loop ends after its current turn and runs its
/// closing step, whose failure is logged the same way.
/// </summary>
public sealed class StatePollingLoop : IAsyncDisposable
{
    private readonly string _name;
    private readonly ServerLog _log;
    private readonly TimeSpan _interval;
    private readonly Func<CancellationToken, Task> _turn;
    private readonly Action<Exception>? _failed;
    private readonly Func<Task>? _closing;
    private readonly CancellationTokenSource _stop = new();
    private string? _lastProblem;
    private Task _loop = Task.CompletedTask;

    private StatePollingLoop(string name, ServerLog log, TimeSpan interval, Func<CancellationToken, Task> turn, Action<Exception>? failed, Func<Task>? closing)
    {
        _name = name;
        _log = log;
        _interval = interval;
        _turn = turn;
        _failed = failed;
        _closing = closing;
    }

    /// <summary>Starts the loop on the thread pool; returns at once.</summary>
    /// <param name="name">What the log lines of a failed turn start with (<c>run progress</c>).</param>
    /// <param name="log">Where failed turns are written.</param>
    /// <param name="interval">The pause after each turn.</param>
    /// <param name="turn">One read; given the loop's stop token.</param>
    /// <param name="failed">Called after a failed turn (before it is logged), e.g. to open the store again next time.</param>
    /// <param name="closing">Run once when the loop ends (what the watcher still shows is ended).</param>
    public static StatePollingLoop Start(string name, ServerLog log, TimeSpan interval, Func<CancellationToken, Task> turn, Action<Exception>? failed = null, Func<Task>? closing = null)
    {
        var loop = new StatePollingLoop(name, log, interval, turn, failed, closing);
        loop._loop = Task.Run(loop.RunAsync);
        return loop;
    }

    /// <summary>Stops the loop and waits for its closing step.</summary>
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

    private async Task RunAsync()
    {
        var stopping = _stop.Token;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await _turn(stopping).ConfigureAwait(false);
                _lastProblem = null;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                Problem(e);
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

        if (_closing is null)
        {
            return;
        }

        try
        {
            await _closing().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The client may be gone already; the stop must still complete.
            Problem(e);
        }
    }

    private void Problem(Exception e)
    {
        _failed?.Invoke(e);
        var text = $"{_name}: {e.GetType().Name}: {e.Message}";
        if (text != _lastProblem)
        {
            _lastProblem = text;
            _log.Info(text);
        }
    }
}
