namespace Dstack.Runtime.Snapshots;

/// <summary>What an entry of a folder is, as lstat(2) says (a symbolic link is never followed).</summary>
internal enum EntryKind
{
    /// <summary>Nothing there (or it cannot be looked at).</summary>
    Missing,

    /// <summary>A regular file.</summary>
    File,

    /// <summary>A symbolic link, whatever it points at.</summary>
    Link,

    /// <summary>A folder (not a link to one).</summary>
    Folder,

    /// <summary>A named pipe: opening it for reading waits for a writer, for good if none comes.</summary>
    Fifo,

    /// <summary>A unix domain socket: it cannot be opened at all.</summary>
    Socket,

    /// <summary>A character device.</summary>
    CharacterDevice,

    /// <summary>A block device.</summary>
    BlockDevice,
}
