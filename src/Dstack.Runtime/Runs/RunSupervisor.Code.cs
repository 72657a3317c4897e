using Dstack.Runtime.Snapshots;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Runs;

/// <summary>
/// The code of a run made ready before its jobs start: working copies here, or uploads to the hosts; a stop ends it in
/// any phase. The log names what was left out of the code folder beyond the file count: special files (FIFOs, sockets,
/// devices: never opened, since opening a FIFO waits for good), each once per run, and <c>$DSTACK_HOME</c> when it is inside.
/// </summary>
public sealed partial class RunSupervisor
{
    private static readonly TimeSpan PrepareCancelGrace = TimeSpan.FromSeconds(2);

    /// <summary>A test's hook into the code copy, run before it starts (to hold it as a slow disk or a silent host would).</summary>
    internal Action<CancellationToken>? WhilePreparing { get; set; }

    /// <summary>
    /// Makes the working copies (or uploads the code to the hosts) while watching for a stop: a stop or an abort ends
    /// the attempt at once, whatever the copy is doing. The copy is cancelled; one blocked in a read or a host that
    /// does not answer is left behind, and ends with the runner.
    /// </summary>
    private async Task<PreparedCode> PrepareCodeAsync(int attempt)
    {
        using var cancel = new CancellationTokenSource();
        var preparing = Task.Run(async () =>
        {
            WhilePreparing?.Invoke(cancel.Token);
            return _spec.OnSshHosts
                ? (await UploadToHostsAsync(attempt, cancel.Token).ConfigureAwait(false) ? [] : null)
                : PrepareWorkingCopies(attempt, cancel.Token);
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
        Event(0, $"dstack: {(abort ? "aborted" : "stopped")} while {(_spec.OnSshHosts ? "uploading" : "copying")} the code; the job was not started");
        return new PreparedCode(null, abort
            ? new AttemptResult(RunStatus.Aborted, TerminationReason.AbortedByUser, null)
            : new AttemptResult(RunStatus.Terminated, TerminationReason.StoppedByUser, null));
    }

    private List<string>? PrepareWorkingCopies(int attempt, CancellationToken cancellationToken)
    {
        try
        {
            var snapshot = ScanCode();
            Event(0, $"dstack: copying the code of {_spec.RepoRoot}: {CountWords.Of(snapshot.Files.Count, "file")}, {FormatBytes(snapshot.TotalBytes)}{(snapshot.FromGit ? " (tracked and untracked files git does not ignore)" : string.Empty)}");
            var copies = new List<string>();
            for (var rank = 0; rank < _spec.Nodes; rank++)
            {
                var target = Path.Combine(Home.CodeFolder(_run.Name), $"job-{rank}");
                TryDelete(Home.RunsFolder, target);
                snapshot.CopyTo(target, cancellationToken);
                copies.Add(target);
            }

            return copies;
        }
        catch (Exception e) when (e is SnapshotException or IOException or UnauthorizedAccessException)
        {
            Event(0, $"dstack: attempt {attempt}: the working copy could not be made: {e.Message}");
            return null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private sealed record PreparedCode(List<string>? Copies, AttemptResult? Stopped);

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
