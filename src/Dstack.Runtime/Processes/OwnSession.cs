using System.Runtime.InteropServices;

namespace Dstack.Runtime.Processes;

/// <summary>
/// Moves this process out of the terminal it was started from: a session and process group of its own (so the
/// terminal's Ctrl+C and hang-up never reach it, and a group signal to its starter's group misses it), and standard
/// output and error on <c>/dev/null</c> (so a caller reading its starter's output to the end is not kept waiting by
/// it). Standard input is left as it is. What <c>setsid PROGRAM &gt;/dev/null 2&gt;&amp;1</c> does in a shell, without
/// the two programs: the run controller calls it first thing (docs/native.md, "Starting the controller").
/// </summary>
public static partial class OwnSession
{
    private const int ReadWrite = 2;
    private const int CloseOnExec = 0x80000;
    private const int GetDescriptorFlags = 1;
    private const int DescriptorCloseOnExec = 1;

    /// <summary>
    /// Starts a session of this process's own and points its standard output and error at <c>/dev/null</c>. True when
    /// the session was made; false when this process already leads a process group (started by hand from a shell,
    /// which gives each command its own group) and so stays in its session, as <c>setsid</c> without a fork would.
    /// </summary>
    public static bool Enter()
    {
        var made = SysSetsid() >= 0;
        // What standard output and error are now, before they change: a runtime may hold copies of them under other
        // numbers (the portable build's host does), which would keep a caller's pipe open as long as this process lives.
        var output = new[] { Target(1), Target(2) }.OfType<string>().ToHashSet(StringComparer.Ordinal);
        var empty = SysOpen("/dev/null", ReadWrite | CloseOnExec);
        if (empty < 0)
        {
            return made;
        }

        SysDup2(empty, 1);
        SysDup2(empty, 2);
        foreach (var fd in OpenDescriptors())
        {
            if (fd > 2 && fd != empty && Target(fd) is { } target && output.Contains(target))
            {
                // The copy keeps its close-on-exec flag (dup2 would clear it, and a job would inherit the copy).
                var flags = SysFcntl(fd, GetDescriptorFlags);
                SysDup3(empty, fd, flags >= 0 && (flags & DescriptorCloseOnExec) != 0 ? CloseOnExec : 0);
            }
        }

        SysClose(empty);
        return made;
    }

    /// <summary>What descriptor <paramref name="fd"/> refers to (<c>pipe:[123]</c>, <c>/dev/pts/2</c>); null when it is not open.</summary>
    private static string? Target(int fd)
    {
        try
        {
            return new FileInfo($"/proc/self/fd/{fd.ToString(System.Globalization.CultureInfo.InvariantCulture)}").LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static List<int> OpenDescriptors()
    {
        var open = new List<int>();
        try
        {
            foreach (var entry in Directory.EnumerateFiles("/proc/self/fd"))
            {
                if (int.TryParse(Path.GetFileName(entry), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var fd))
                {
                    open.Add(fd);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return open;
    }

    [LibraryImport("libc", EntryPoint = "setsid", SetLastError = true)]
    private static partial int SysSetsid();

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SysOpen(string path, int flags);

    [LibraryImport("libc", EntryPoint = "dup2", SetLastError = true)]
    private static partial int SysDup2(int from, int to);

    [LibraryImport("libc", EntryPoint = "dup3", SetLastError = true)]
    private static partial int SysDup3(int from, int to, int flags);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int SysFcntl(int fd, int command);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int SysClose(int fd);
}
