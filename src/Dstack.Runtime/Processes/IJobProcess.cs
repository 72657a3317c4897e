namespace Dstack.Runtime.Processes;

/// <summary>
/// A running job as the controller supervises it, wherever it runs: a process of this machine (<see cref="JobProcess"/>)
/// or one on an SSH host (<see cref="Ssh.RemoteJob"/>).
/// </summary>
public interface IJobProcess : IDisposable
{
    /// <summary>The job's process id on its machine, which is also its process group.</summary>
    int Pid { get; }

    Stream Stdout { get; }

    Stream Stderr { get; }

    /// <summary>Completes with the exit code (128 + the signal number when a signal ended it).</summary>
    Task<int> Exited { get; }

    /// <summary>Why the job's machine was lost (it stopped answering); null while it answers or when the job ended on its own.</summary>
    string? LostReason { get; }

    /// <summary>Sends a signal to the job's whole process group; false when no process of it is left (or it cannot be reached).</summary>
    bool SignalGroup(int signal);

    /// <summary>True while any process of the job's group is left.</summary>
    bool IsGroupAlive { get; }
}
