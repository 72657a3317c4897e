using System.ComponentModel;
using System.Diagnostics;

namespace Dstack.Runtime.Processes;

/// <summary>
/// A job's process, started through <c>setsid</c> as the leader of its own session and process group (a Ctrl+C in
/// the user's terminal reaches none of it). A signal goes to the group and to every process that carries the job's
/// <see cref="TokenVariable"/> in its environment, so a stop also reaches what the job detached (<c>setsid</c>, a
/// double fork, <c>nohup … &amp;</c>). Standard input is empty; standard output and error are pipes the controller reads.
/// </summary>
public sealed class JobProcess : IJobProcess
{
    /// <summary>The variable whose value marks every process of one job (<see cref="MarkedProcesses"/>).</summary>
    public const string TokenVariable = "DSTACK_JOB_TOKEN";

    private readonly Process _process;
    private readonly string? _token;

    private JobProcess(Process process, Task<int> exited, string? token)
    {
        _process = process;
        Exited = exited;
        Pid = process.Id;
        _token = token;
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
        return new JobProcess(process, WaitAsync(process), environment.TryGetValue(TokenVariable, out var token) && token.Length > 0 ? token : null);
    }

    /// <summary>Sends a signal to the job's whole process group and to every process marked with its token; false when no process of it is left.</summary>
    public bool SignalGroup(int signal)
    {
        var group = Signals.SignalGroup(Pid, signal);
        var marked = _token is not null && MarkedProcesses.Signal(TokenVariable, _token, signal) > 0;
        return group || marked;
    }

    /// <summary>True while any process of the job's group, or any marked with its token, is left (the shell may have exited before its children).</summary>
    public bool IsGroupAlive => Signals.IsGroupAlive(Pid) || (_token is not null && MarkedProcesses.AnyAlive(TokenVariable, _token));

    /// <summary>A process of this machine is never lost.</summary>
    public string? LostReason => null;

    public void Dispose() => _process.Dispose();

    private static async Task<int> WaitAsync(Process process)
    {
        await process.WaitForExitAsync().ConfigureAwait(false);
        return process.ExitCode;
    }
}
