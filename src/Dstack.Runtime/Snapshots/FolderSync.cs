namespace Dstack.Runtime.Snapshots;

/// <summary>
/// Keeps a job's working copy in step with the user's code folder while the run is up (<c>--reload</c>): files
/// and folders created, changed, renamed or deleted in the source are mirrored into the target after a 100 ms
/// quiet period, with the same ignore rules as <see cref="CodeSnapshot"/> (never <c>.git</c>, ignored files, or
/// anything outside the source). Each file is written to a temporary name next to it and renamed into place, so
/// the job never reads half a file. Files the job creates in the target are left alone unless the source has
/// a file of the same path that is deleted. FIFOs, sockets and devices are never opened or copied (reported once
/// each as <see cref="FolderSyncChangeKind.Skipped"/>), and <c>$DSTACK_HOME</c> is left out when it is inside the source.
/// </summary>
/// <remarks>
/// Ignore rules for events are read with <see cref="IgnoreRules"/>, not asked of git (one git process per event
/// would be too slow): <c>.gitignore</c> files, <c>.git/info/exclude</c>, git's global excludes file and
/// <c>.dstackignore</c>. That matches <c>git ls-files --exclude-standard</c> except that git's other settings
/// (<c>core.ignoreCase</c>, command-line excludes) are not read; files that were in the listing when sync
/// started (tracked files that a pattern matches among them) are always synced. An edit to an ignore file, and a
/// watcher overflow, make a full rescan, which lists the folder as <see cref="CodeSnapshot.Scan"/> does (with git
/// when it can) and compares it to the target. Syncing starts with such a rescan.
/// </remarks>
public sealed partial class FolderSync : IDisposable
{
    private static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestDelay = TimeSpan.FromSeconds(1);

    private readonly object gate = new();
    private readonly HashSet<string> pending = new(StringComparer.Ordinal);
    private readonly FileSystemWatcher watcher;
    private readonly CancellationTokenSource stopping = new();
    private readonly SemaphoreSlim wake = new(0);
    private readonly Action<FolderSyncChange>? onChange;
    private readonly IReadOnlyList<string> leaveOut;
    private Task worker = Task.CompletedTask;
    private TaskCompletionSource idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool rescanRequested = true;
    private long lastEvent;
    private int workerThread;
    private int syncedCount;
    private int disposed;

    private FolderSync(string sourceRoot, string targetRoot, Action<FolderSyncChange>? onChange, string? dstackHome)
    {
        SourceRoot = sourceRoot;
        TargetRoot = targetRoot;
        this.onChange = onChange;

        // Never copy the copy into itself, nor $DSTACK_HOME (its database, other runs' logs), however they are reached.
        leaveOut = new[] { RelativePath.Below(sourceRoot, targetRoot), RealPath.Inside(sourceRoot, targetRoot), dstackHome is null ? null : RealPath.Inside(sourceRoot, dstackHome) }
            .OfType<string>().Where(p => p.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        rules = IgnoreRules.Load(sourceRoot, IgnoreSources.All);
        watcher = new FileSystemWatcher(sourceRoot)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.Attributes,
            InternalBufferSize = 64 * 1024,
        };
        watcher.Created += (_, e) => Enqueue(e.FullPath);
        watcher.Changed += (_, e) => Enqueue(e.FullPath);
        watcher.Deleted += (_, e) => Enqueue(e.FullPath);
        watcher.Renamed += (_, e) =>
        {
            Enqueue(e.OldFullPath);
            Enqueue(e.FullPath);
        };
        watcher.Error += (_, e) => RequestRescan();
    }

    /// <summary>The watched folder, a full path.</summary>
    public string SourceRoot { get; }

    /// <summary>The working copy being kept in step, a full path.</summary>
    public string TargetRoot { get; }

    /// <summary>How many files, links and folders have been written or deleted in the target so far.</summary>
    public int SyncedCount => Volatile.Read(ref syncedCount);

    /// <summary>
    /// Starts watching <paramref name="sourceRoot"/> and mirroring into <paramref name="targetRoot"/> (created if
    /// missing). <paramref name="onChange"/> is called on the sync thread for each change; an exception it throws is ignored.
    /// <paramref name="dstackHome"/>, when inside the source (links resolved), is left out.
    /// </summary>
    /// <exception cref="SnapshotException">The source is missing, the target cannot be created, or one holds the other.</exception>
    public static FolderSync Start(string sourceRoot, string targetRoot, Action<FolderSyncChange>? onChange = null, string? dstackHome = null)
    {
        var source = Path.TrimEndingDirectorySeparator(Path.GetFullPath(sourceRoot));
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(targetRoot));
        if (!Directory.Exists(source))
        {
            throw new SnapshotException($"the code folder {source} does not exist; check the path", source);
        }

        if (target == source || source.StartsWith(target + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new SnapshotException($"the working copy folder {target} holds the code folder {source}; pick a folder outside it", target);
        }

        try
        {
            Directory.CreateDirectory(target);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SnapshotException($"cannot create the working copy folder {target}: {e.Message}; check that it can be written", target, e);
        }

        var sync = new FolderSync(source, target, onChange, dstackHome);
        sync.watcher.EnableRaisingEvents = true;
        sync.worker = Task.Run(() => sync.RunAsync(sync.stopping.Token));
        sync.wake.Release();
        return sync;
    }

    /// <summary>True while the sync thread has not ended (tests check that <see cref="Dispose"/> ends it).</summary>
    internal bool IsRunning => !worker.IsCompleted;

    /// <summary>What a watcher buffer overflow does: a full rescan and compare.</summary>
    internal void SimulateOverflow() => RequestRescan();

    /// <summary>Completes when no change is waiting or being applied (immediately after <see cref="Dispose"/>).</summary>
    public Task WhenIdleAsync()
    {
        lock (gate)
        {
            return idle.Task;
        }
    }

    /// <summary>Stops watching and waits for the sync thread to finish its current change; nothing runs afterwards.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        watcher.EnableRaisingEvents = false;
        watcher.Dispose();
        stopping.Cancel();
        lock (gate)
        {
            idle.TrySetResult();
        }

        // Called from onChange, on the sync thread: it stops at the next path, and waiting would wait for itself.
        if (Environment.CurrentManagedThreadId != Volatile.Read(ref workerThread))
        {
            worker.Wait();
            lock (gate)
            {
                // Under the gate so no late watcher event releases a disposed semaphore.
                wake.Dispose();
            }

            stopping.Dispose();
        }
    }

    private void Enqueue(string fullPath)
    {
        var path = RelativePath.Below(SourceRoot, fullPath);
        if (path is null || path.Length == 0 || path == ".git" || path.StartsWith(".git/", StringComparison.Ordinal) || IsLeftOut(path) || Volatile.Read(ref disposed) == 1)
        {
            // The root itself, outside it, git's own busy folder, the copy or $DSTACK_HOME: nothing to mirror.
            return;
        }

        lock (gate)
        {
            pending.Add(path);
            Wake();
        }
    }

    private void RequestRescan()
    {
        lock (gate)
        {
            rescanRequested = true;
            Wake();
        }
    }

    // Called under the gate.
    private void Wake()
    {
        Volatile.Write(ref lastEvent, Environment.TickCount64);
        if (idle.Task.IsCompleted && disposed == 0)
        {
            idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        if (disposed == 0 && wake.CurrentCount == 0)
        {
            wake.Release();
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await wake.WaitAsync(cancellationToken).ConfigureAwait(false);
                await SettleAsync(cancellationToken).ConfigureAwait(false);
                while (TakeBatch(out var paths, out var rescan))
                {
                    Volatile.Write(ref workerThread, Environment.CurrentManagedThreadId);
                    Apply(paths, rescan, cancellationToken);
                    Volatile.Write(ref workerThread, 0);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    // Waits until events stop for the quiet period, but never more than the longest delay after the first one.
    private async Task SettleAsync(CancellationToken cancellationToken)
    {
        var first = Environment.TickCount64;
        while (true)
        {
            var now = Environment.TickCount64;
            var quietFor = now - Volatile.Read(ref lastEvent);
            if (quietFor >= QuietPeriod.TotalMilliseconds || now - first >= LongestDelay.TotalMilliseconds)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(QuietPeriod.TotalMilliseconds - quietFor), cancellationToken).ConfigureAwait(false);
        }
    }

    private bool TakeBatch(out List<string> paths, out bool rescan)
    {
        lock (gate)
        {
            rescan = rescanRequested;
            rescanRequested = false;
            paths = [.. pending.Order(StringComparer.Ordinal)];
            pending.Clear();
            if (!rescan && paths.Count == 0)
            {
                idle.TrySetResult();
                return false;
            }

            return true;
        }
    }

    private void Report(FolderSyncChange change)
    {
        if (change.Kind is not (FolderSyncChangeKind.Rescanned or FolderSyncChangeKind.Failed or FolderSyncChangeKind.Skipped))
        {
            Interlocked.Increment(ref syncedCount);
        }

        try
        {
            onChange?.Invoke(change);
        }
        catch (Exception)
        {
            // The observer's failure must not stop syncing.
        }
    }
}
