using System.Runtime.InteropServices;

namespace Dstack.Runtime.Snapshots;

/// <summary>Paths with every symbolic link resolved (realpath(3)), to tell whether one folder is inside another however either is reached.</summary>
internal static partial class RealPath
{
    /// <summary>The resolved full path of <paramref name="path"/>; its plain full path when it does not exist or cannot be resolved.</summary>
    public static string Of(string path)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (OperatingSystem.IsWindows())
        {
            return full;
        }

        var resolved = SysRealPath(full, 0);
        if (resolved == 0)
        {
            return full;
        }

        try
        {
            return Marshal.PtrToStringUTF8(resolved) ?? full;
        }
        finally
        {
            Free(resolved);
        }
    }

    /// <summary>
    /// <paramref name="path"/> relative to <paramref name="root"/> ('/'-separated) when, links resolved, it is strictly
    /// inside it; null otherwise (also when it is the root itself).
    /// </summary>
    public static string? Inside(string root, string path) =>
        RelativePath.Below(Of(root), Of(path)) is { Length: > 0 } relative ? relative : null;

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint SysRealPath(string path, nint resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void Free(nint pointer);
}
