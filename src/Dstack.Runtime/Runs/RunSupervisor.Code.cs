using Dstack.Runtime.Snapshots;

namespace Dstack.Runtime.Runs;

/// <summary>
/// What the run's log says about the code folder beyond the file count: the special files left out (FIFOs, sockets,
/// devices: never opened, since opening a FIFO waits for good) and <c>$DSTACK_HOME</c> when it is inside the folder.
/// Each special file is named once per run, by the first copy or upload or by the <c>--reload</c> sync.
/// </summary>
public sealed partial class RunSupervisor
{
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
