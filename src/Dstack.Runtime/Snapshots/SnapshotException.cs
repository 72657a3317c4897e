using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Snapshots;

/// <summary>
/// The working copy of the code could not be made for a reason the user can fix: the folder is missing, a file
/// cannot be read, the target cannot be written. The message names the path and the fix.
/// </summary>
public sealed class SnapshotException : Exception
{
    public SnapshotException()
        : this("the working copy of the code could not be made")
    {
    }

    public SnapshotException(string message)
        : base(message)
    {
    }

    public SnapshotException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public SnapshotException(string message, string path, Exception? inner = null)
        : base(message, inner) => Path = path;

    /// <summary>The file or folder the problem is about, when there is one.</summary>
    public string? Path { get; }

    /// <summary>The diagnostic code the CLI reports this problem under.</summary>
    public string Code => DiagnosticCodes.SnapshotFailed;
}
