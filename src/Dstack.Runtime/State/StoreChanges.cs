namespace Dstack.Runtime.State;

/// <summary>
/// Tells a process that polls the state store (a front end following a run) that another process has just written to
/// it: every commit appends to <c>state.db-wal</c>, so a change of that file (inotify, through
/// <see cref="FileSystemWatcher"/>) wakes the poll at once instead of at its next tick. Only a hint: a change it misses
/// is seen at the next poll as before, and a store it cannot watch is simply polled.
/// </summary>
public sealed class StoreChanges : IDisposable
{
    private readonly FileSystemWatcher _watcher;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private int _changed;

    private StoreChanges(FileSystemWatcher watcher)
    {
        _watcher = watcher;
        _watcher.Changed += (_, _) => Signal();
        _watcher.Created += (_, _) => Signal();
        _watcher.EnableRaisingEvents = true;
    }

    /// <summary>Watches <paramref name="home"/>'s store; null when it cannot be watched (the caller polls as before).</summary>
    public static StoreChanges? Watch(DstackHome home)
    {
        FileSystemWatcher? watcher = null;
        try
        {
            watcher = new FileSystemWatcher(home.Root, Path.GetFileName(home.StateDatabase) + "-wal")
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName,
                IncludeSubdirectories = false,
            };
            return new StoreChanges(watcher);
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            // Out of inotify watches, a folder gone, a platform without change notifications: polling alone still works.
            watcher?.Dispose();
            return null;
        }
    }

    /// <summary>True once after each change (or changes) since the last call.</summary>
    public bool Take() => Interlocked.Exchange(ref _changed, 0) == 1;

    /// <summary>Waits until the store changes or <paramref name="limit"/> passes (whichever is first).</summary>
    public async Task WaitAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _changed) == 1)
        {
            return;
        }

        await _signal.WaitAsync(limit, cancellationToken).ConfigureAwait(false);
    }

    private void Signal()
    {
        Volatile.Write(ref _changed, 1);
        try
        {
            if (_signal.CurrentCount == 0)
            {
                _signal.Release();
            }
        }
        catch (Exception e) when (e is SemaphoreFullException or ObjectDisposedException)
        {
            // Already signalled, or the follower has finished.
        }
    }

    public void Dispose()
    {
        _watcher.Dispose();
        _signal.Dispose();
    }
}
