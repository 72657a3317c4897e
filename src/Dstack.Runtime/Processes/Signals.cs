using System.Runtime.InteropServices;

namespace Dstack.Runtime.Processes;

/// <summary>
/// POSIX signals for process groups, which .NET's Process class cannot send: each job runs as its own session and
/// process group, so one signal reaches the job's shell and everything it started.
/// </summary>
public static partial class Signals
{
    public const int Interrupt = 2;
    public const int Kill = 9;
    public const int Terminate = 15;

    private const int NoSuchProcess = 3;

    /// <summary>Sends <paramref name="signal"/> to every process of the group led by <paramref name="groupId"/>; false when none is left.</summary>
    public static bool SignalGroup(int groupId, int signal) => groupId > 1 && SysKill(-groupId, signal) == 0;

    /// <summary>Sends <paramref name="signal"/> to one process; false when it no longer exists.</summary>
    public static bool SignalProcess(int pid, int signal) => pid > 1 && SysKill(pid, signal) == 0;

    /// <summary>True while a process with this id exists (also one owned by another user).</summary>
    public static bool IsAlive(int pid) => pid > 0 && (SysKill(pid, 0) == 0 || Marshal.GetLastPInvokeError() != NoSuchProcess);

    /// <summary>True while any process of the group is left.</summary>
    public static bool IsGroupAlive(int groupId) => groupId > 1 && (SysKill(-groupId, 0) == 0 || Marshal.GetLastPInvokeError() != NoSuchProcess);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);
}
