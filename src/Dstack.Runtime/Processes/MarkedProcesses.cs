using System.Text;

namespace Dstack.Runtime.Processes;

/// <summary>
/// Finds a job's processes by a marker in their environment (<c>NAME=VALUE</c>), which every descendant inherits
/// however it detaches: <c>setsid</c>, a double fork and <c>nohup … &amp;</c> leave the job's process group, never
/// its environment. Read from <c>/proc/PID/environ</c>, which holds the environment a process was started with; a
/// process that cleared its environment (<c>env -i</c>) or belongs to another user is not found.
/// </summary>
public static class MarkedProcesses
{
    /// <summary>How many times a kill scans again: a process that forks while it is being killed leaves a child behind.</summary>
    private const int KillPasses = 5;

    /// <summary>The live processes of this machine (other than this one) whose environment holds <paramref name="name"/>=<paramref name="value"/>.</summary>
    public static IReadOnlyList<int> Find(string name, string value)
    {
        var entry = Encoding.UTF8.GetBytes($"{name}={value}\0");
        var found = new List<int>();
        IEnumerable<string> folders;
        try
        {
            folders = Directory.EnumerateDirectories("/proc");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return found;
        }

        foreach (var folder in folders)
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid) || pid == System.Environment.ProcessId)
            {
                continue;
            }

            try
            {
                // A zombie's environment reads as empty, so only live processes match.
                if (Holds(File.ReadAllBytes(Path.Combine(folder, "environ")), entry))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone since the listing, or another user's.
            }
        }

        return found;
    }

    /// <summary>
    /// Sends <paramref name="signal"/> to every marked process and returns how many got it. A kill scans again until
    /// nothing marked is left (or after a few passes), so children forked meanwhile are reached too.
    /// </summary>
    public static int Signal(string name, string value, int signal)
    {
        var signalled = 0;
        for (var pass = 0; pass < (signal == Signals.Kill ? KillPasses : 1); pass++)
        {
            var found = Find(name, value);
            if (found.Count == 0)
            {
                break;
            }

            signalled += found.Count(pid => Signals.SignalProcess(pid, signal));
        }

        return signalled;
    }

    /// <summary>True while any marked process is left.</summary>
    public static bool AnyAlive(string name, string value) => Find(name, value).Count > 0;

    private static bool Holds(ReadOnlySpan<byte> environment, ReadOnlySpan<byte> entry)
    {
        // Entries are NUL-terminated: the entry matches at the start or right after a NUL, never inside another value.
        while (environment.Length >= entry.Length)
        {
            if (environment.StartsWith(entry))
            {
                return true;
            }

            var end = environment.IndexOf((byte)0);
            if (end < 0)
            {
                return false;
            }

            environment = environment[(end + 1)..];
        }

        return false;
    }
}
