namespace Dstack.Runtime.Snapshots;

/// <summary>What <see cref="FolderSync"/> did to the target.</summary>
public enum FolderSyncChangeKind
{
    /// <summary>A file or symbolic link was written (atomically, by rename).</summary>
    Copied,

    /// <summary>A folder was created.</summary>
    FolderCreated,

    /// <summary>A file, link or folder was removed because it is gone from the source (or now ignored).</summary>
    Deleted,

    /// <summary>The whole source was listed again and compared (at start, after a watcher overflow, after an ignore file changed).</summary>
    Rescanned,

    /// <summary>A path could not be synced; the message says why. Syncing goes on.</summary>
    Failed,

    /// <summary>A FIFO, socket or device was left out, never opened; the message says which kind. Reported once per path.</summary>
    Skipped,
}
