using System.ComponentModel;
using System.Diagnostics;

namespace Dstack.Runtime.Processes;

/// <summary>
/// A job's process, started through <c>setsid</c> as the leader of its own session and process group, so a stop
/// reaches everything the job started (and a Ctrl+C in the user's terminal reaches none of it). Standard input is
/// empty; standard output and error are pipes the runner reads.
/// </summary>
public sealed class JobProcess : IJobProcess
{
    private readonly Process _process;

    private JobProcess(Process process, Task<int> exited)
    {
        _process = process;
        Exited = exited;
        Pid = process.Id;
    }

    /// <summary>The process id, which is also the id of the job's process group and session.</summary>
    public int Pid { get; }

    public Stream Stdout => _process.StandardOutput.BaseStream;

    public Stream Stderr => _process.StandardError.BaseStream;

    /// <summary>Completes with the exit code (128 + the signal number when a signal ended it).</summary>
    public Task<int> Exited { get; }

    /// <summary>Starts <paramref name="program"/>; throws <see cref="JobStartException"/> (with the reason in words) when it cannot.</summary>
    public static JobProcess Start(string program, IReadOnlyList<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("setsid", ["-w", program, .. arguments])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment.Clear();
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (Win32Exception e)
        {
            throw new JobStartException($"could not start {program} through setsid ({e.Message}); setsid comes with util-linux, which every Linux distribution has: install it", e);
        }

        if (process is null)
        {
            throw new JobStartException($"could not start {program}");
        }

        process.StandardInput.Close();
        return new JobProcess(process, WaitAsync(process));
    }

    /// <summary>Sends a signal to the job's whole process group; false when no process of it is left.</summary>
    public bool SignalGroup(int signal) => Signals.SignalGroup(Pid, signal);

    /// <summary>True while any process of the job's group is left (the shell may have exited before its children).</summary>
    public bool IsGroupAlive => Signals.IsGroupAlive(Pid);

    /// <summary>A process of this machine is never lost.</summary>
    public string? LostReason => null;

    public void Dispose() => _process.Dispose();

    private static async Task<int> WaitAsync(Process process)
    {
        await process.WaitForExitAsync().ConfigureAwait(false);
        return process.ExitCode;
    }
}
