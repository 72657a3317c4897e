using System.Diagnostics;
using System.Globalization;

namespace Dstack.LanguageServer.Server;

/// <summary>
/// Checks, every <see cref="Interval"/>, that a process (the editor, given as <c>processId</c> in <c>initialize</c>)
/// still runs, and calls back once when it has gone. An editor that crashes or is killed cannot send
/// <c>shutdown</c>, and it may leave the server's stdin open (a grandchild holding the pipe), so the server looks
/// for itself. A process that has exited but not been reaped (a zombie) counts as gone, and so does a new process
/// that has taken the pid over (its start time differs).
/// </summary>
public sealed class ParentProcessWatch : IDisposable
{
    /// <summary>How often the process is checked: often enough that a dead editor leaves no server behind for long.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stop = new();

    private ParentProcessWatch(int processId, string identity, Func<Task> gone, TimeSpan interval)
    {
        ProcessId = processId;
        // Runs on its own until the process goes or the watch is disposed; it catches what it expects.
        _ = WatchAsync(identity, gone, interval);
    }

    public int ProcessId { get; }

    /// <summary>
    /// Starts watching <paramref name="processId"/>; null when no such process runs now (or none this process can see,
    /// as when the editor runs outside the container the server runs in), so that there is nothing to watch.
    /// </summary>
    public static ParentProcessWatch? Start(int processId, Func<Task> gone, TimeSpan? interval = null) =>
        Identity(processId) is { } identity ? new ParentProcessWatch(processId, identity, gone, interval ?? Interval) : null;

    /// <summary>True while <paramref name="processId"/> names a running process (not a zombie).</summary>
    public static bool IsRunning(int processId) => Identity(processId) is not null;

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    /// <summary>What tells this process from a later one with the same pid (its start time), or null when it does not run.</summary>
    private static string? Identity(int processId)
    {
        if (processId <= 0)
        {
            return null;
        }

        return OperatingSystem.IsLinux() ? LinuxIdentity(processId) : PortableIdentity(processId);
    }

    /// <summary>
    /// From <c>/proc/PID/stat</c>: "pid (comm) state ... starttime" (field 22). The command name may hold spaces and
    /// parentheses, so the fields are counted from the last ')'.
    /// </summary>
    private static string? LinuxIdentity(int processId)
    {
        string stat;
        try
        {
            stat = File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{processId}/stat"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // fields[0] is the state (field 3), so starttime (field 22) is fields[19].
        if (fields.Length < 20 || fields[0] is "Z" or "X" or "x")
        {
            return null;
        }

        return fields[19];
    }

    private static string? PortableIdentity(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            if (process.HasExited)
            {
                return null;
            }

            try
            {
                return process.StartTime.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
            {
                // The start time is not readable (another user's process): the pid alone has to do.
                return "running";
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private async Task WatchAsync(string identity, Func<Task> gone, TimeSpan interval)
    {
        var token = _stop.Token;
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
            {
                if (Identity(ProcessId) != identity)
                {
                    await gone().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed: the session ended first.
        }
    }
}
