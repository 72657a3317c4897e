namespace Dstack.LanguageServer.Server;

/// <summary>
/// Background work by key where only the latest matters: work posted for a key runs after the work already running
/// for it, and replaces work for it that has not started. So a burst of edits to one document is checked once for the
/// newest text instead of once per keystroke, the read loop never waits for a check, and work for one key stays in order.
/// </summary>
public sealed class LatestWork(Action<Exception> onError)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Func<Task>> _waiting = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task> _running = new(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="work"/> for <paramref name="key"/> once the work running for it has ended, unless newer work is posted first.</summary>
    public void Post(string key, Func<Task> work)
    {
        lock (_gate)
        {
            _waiting[key] = work;
            if (!_running.ContainsKey(key))
            {
                _running[key] = Task.Run(() => DrainAsync(key));
            }
        }
    }

    /// <summary>Completes when no work is running or waiting (for a clean end of session, and for tests).</summary>
    public async Task IdleAsync()
    {
        while (true)
        {
            Task[] running;
            lock (_gate)
            {
                running = [.. _running.Values];
            }

            if (running.Length == 0)
            {
                return;
            }

            await Task.WhenAll(running).ConfigureAwait(false);
        }
    }

    private async Task DrainAsync(string key)
    {
        while (true)
        {
            Func<Task>? work;
            lock (_gate)
            {
                if (!_waiting.Remove(key, out work))
                {
                    _running.Remove(key);
                    return;
                }
            }

            try
            {
                await work().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                onError(e);
            }
        }
    }
}
