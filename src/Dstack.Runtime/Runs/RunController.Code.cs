using Dstack.Runtime.Hosts;
using Dstack.Runtime.Snapshots;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Runs;

/// <summary>
/// The code of a run made ready before its jobs start, on each job's host (a working copy here, an upload to another
/// machine); a stop ends it in any phase. The log names what was left out of the code folder beyond the file count: special files (FIFOs, sockets,
/// devices: never opened, since opening a FIFO waits for good), each once per run, and <c>$DSTACK_HOME</c> when it is inside.
/// </summary>
public sealed partial class RunController
{
    private static readonly TimeSpan PrepareCancelGrace = TimeSpan.FromSeconds(2);

    /// <summary>A test's hook into the code copy, run before it starts (to hold it as a slow disk or a silent host would).</summary>
    internal Action<CancellationToken>? WhilePreparing { get; set; }

    /// <summary>
    /// Puts the code on every job's host (a working copy here, an upload to another machine) while watching for a
    /// stop: a stop or an abort ends the attempt at once, whatever the copy is doing. The copy is cancelled; one blocked
    /// in a read or a host that does not answer is left behind, and ends with the controller.
    /// </summary>
    private async Task<PreparedCode> PrepareCodeAsync(int attempt)
    {
        using var cancel = new CancellationTokenSource();
        var preparing = Task.Run(async () =>
        {
            WhilePreparing?.Invoke(cancel.Token);
            return await PrepareOnHostsAsync(attempt, cancel.Token).ConfigureAwait(false);
        });
        if (await Task.WhenAny(preparing, _stopRequested.Task).ConfigureAwait(false) == preparing)
        {
            return new PreparedCode(await preparing.ConfigureAwait(false), null);
        }

        var request = await _stopRequested.Task.ConfigureAwait(false);
        await cancel.CancelAsync().ConfigureAwait(false);
        // A copy that sees the cancellation stops between two files; its folder is removed when the run ends.
        await Task.WhenAny(preparing, Task.Delay(PrepareCancelGrace, _time)).ConfigureAwait(false);
        var abort = request == StopRequest.Abort;
        Event(0, $"dstack: {(abort ? "aborted" : "stopped")} while {(AllHere ? "copying" : "uploading")} the code{(_spec.Image is null ? string.Empty : " or pulling the image")}; the job was not started");
        return new PreparedCode(null, abort
            ? new AttemptResult(RunStatus.Aborted, TerminationReason.AbortedByUser, null)
            : new AttemptResult(RunStatus.Terminated, TerminationReason.StoppedByUser, null));
    }

    /// <summary>The code of every job, by rank; null (with the reasons in the log) when it could not be put on a host.</summary>
    private async Task<List<JobCode>?> PrepareOnHostsAsync(int attempt, CancellationToken cancellationToken)
    {
        CodeSnapshot snapshot;
        try
        {
            snapshot = ScanCode();
        }
        catch (Exception e) when (e is SnapshotException or IOException or UnauthorizedAccessException)
        {
            Event(0, $"dstack: attempt {attempt}: the code could not be read: {e.Message}");
            return null;
        }

        var what = $"{CountWords.Of(snapshot.Files.Count, "file")}, {FormatBytes(snapshot.TotalBytes)}{(snapshot.FromGit ? " (tracked and untracked files git does not ignore)" : string.Empty)}";
        var remote = Enumerable.Range(0, _spec.Nodes).Select(HostOf).Where(h => !h.IsThisMachine).Select(h => h.Name).Distinct().ToList();
        Event(0, remote.Count == 0 ? $"dstack: copying the code of {_spec.RepoRoot}: {what}" : $"dstack: uploading the code of {_spec.RepoRoot} to {string.Join(", ", remote)}: {what}");

        // Copies on this machine one after the other (the disk is shared); uploads to other machines at once.
        var codes = new JobCode?[_spec.Nodes];
        async Task<bool> PrepareAsync(int rank)
        {
            var host = HostOf(rank);
            if (host.Connect() is { } unreachable)
            {
                Event(rank, $"dstack: {unreachable.Code}: {unreachable.Message}");
                return false;
            }

            // Timed from here: the connection is open, so the seconds are the code's own (as the host's log line).
            var clock = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                var sent = new SentBytes(bytes => Progress.Report(new UploadProgress(rank, host.Name, bytes, snapshot.TotalBytes)));
                codes[rank] = await host.PrepareCodeAsync(snapshot, rank, sent, cancellationToken).ConfigureAwait(false);
                Progress.Report(new UploadedProgress(rank, host.Name, snapshot.TotalBytes, clock.Elapsed.TotalSeconds));

                // The image is ready (pulled when the host's engine lacks it) before any job starts. A pull is also said
                // in the log, for what has no terminal to draw its bar (MSBuild, scripts): it can take minutes.
                var pull = new PullLines(Progress, line => Event(rank, line));
                await host.PrepareImageAsync(rank, pull, cancellationToken).ConfigureAwait(false);
                if (pull.Last is { } pulled)
                {
                    Event(rank, pulled.Layers > 0
                        ? $"dstack: pulled {pulled.Image} on {pulled.Host}: {CountWords.Of(pulled.Layers, "layer")}, {FormatBytes(pulled.TotalBytes)} in {pull.Elapsed.TotalSeconds:0.0} s"
                        : $"dstack: pulled {pulled.Image} on {pulled.Host} in {pull.Elapsed.TotalSeconds:0.0} s");
                }

                return true;
            }
            catch (JobCodeException e)
            {
                Event(rank, $"dstack: {e.Code}: {e.Message}");
                return false;
            }
            catch (Processes.JobStartException e)
            {
                Event(rank, $"dstack: {Diagnostics.DiagnosticCodes.ImageUnavailable}: {e.Message}");
                return false;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        var results = new List<bool>();
        foreach (var rank in Enumerable.Range(0, _spec.Nodes).Where(r => HostOf(r).IsThisMachine))
        {
            results.Add(await PrepareAsync(rank).ConfigureAwait(false));
        }

        results.AddRange(await Task.WhenAll(Enumerable.Range(0, _spec.Nodes).Where(r => !HostOf(r).IsThisMachine).Select(r => Task.Run(() => PrepareAsync(r)))).ConfigureAwait(false));
        return results.All(ok => ok) ? [.. codes.Select(c => c!)] : null;
    }

    /// <summary>Reports on the caller's thread (<see cref="Progress{T}"/> would post to the thread pool, out of order).</summary>
    private sealed class SentBytes(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }

    /// <summary>Passes a job's progress on, and says in the log when a pull of its image begins; keeps the pull's last progress.</summary>
    private sealed class PullLines(IProgress<RunProgress> inner, Action<string> say) : IProgress<RunProgress>
    {
        private readonly System.Diagnostics.Stopwatch _clock = new();

        public PullingProgress? Last { get; private set; }

        public TimeSpan Elapsed => _clock.Elapsed;

        public void Report(RunProgress value)
        {
            if (value is PullingProgress pulling)
            {
                if (Last is null)
                {
                    _clock.Start();
                    say($"dstack: pulling {pulling.Image} on {pulling.Host}");
                }

                Last = pulling;
            }

            inner.Report(value);
        }
    }

    private sealed record PreparedCode(List<JobCode>? Codes, AttemptResult? Stopped);

    private readonly HashSet<string> _reportedSpecialFiles = new(StringComparer.Ordinal);
    private bool _reportedLeftOut;

    /// <summary>Lists the code for the working copy or the upload, leaving out $DSTACK_HOME, and logs what was left out.</summary>
    /// <exception cref="SnapshotException">The folder cannot be read.</exception>
    private CodeSnapshot ScanCode()
    {
        var snapshot = CodeSnapshot.Scan(_spec.RepoRoot, Home.Root);
        if (snapshot.LeftOut is { } home && !_reportedLeftOut)
        {
            _reportedLeftOut = true;
            Event(0, $"dstack: left out the folder {home} of the code: it is $DSTACK_HOME ({Home.Root}), whose database and run logs are no part of the code");
        }

        List<SpecialFile> fresh;
        lock (_reportedSpecialFiles)
        {
            fresh = [.. snapshot.SpecialFiles.Where(f => _reportedSpecialFiles.Add(f.Path))];
        }

        if (SpecialFile.Describe(fresh) is { } line)
        {
            Event(0, $"dstack: {line}");
        }

        return snapshot;
    }

    /// <summary>The <c>--reload</c> sync's observer: names a special file the first time one is seen, on any node's sync.</summary>
    private void ReportReloadChange(FolderSyncChange change)
    {
        if (change.Kind != FolderSyncChangeKind.Skipped)
        {
            return;
        }

        lock (_reportedSpecialFiles)
        {
            if (!_reportedSpecialFiles.Add(change.Path))
            {
                return;
            }
        }

        Event(0, $"dstack: --reload: {SpecialFile.Describe([new SpecialFile(change.Path, change.Message ?? "special file")])}");
    }
}
