using System.ComponentModel;
using System.Diagnostics;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Processes;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Ssh;

/// <summary>
/// The controller's connection to one SSH host: one control master it owns (a child process, <c>ssh -M -N</c>), and
/// every command a client of it. Commands never start a master of their own (<c>ControlMaster=no</c> comes first,
/// and ssh takes the first value of an option), so no backgrounded master ever holds a command's output pipe open;
/// when the master is gone (a dropped link), a command connects directly until <see cref="EnsureMaster"/> starts
/// another. Dead links are noticed within about 15 s (<c>ServerAliveInterval</c> 5 s, 3 missed answers).
/// </summary>
public sealed class SshConnection : IDisposable
{
    /// <summary>How long <see cref="EnsureMaster"/> waits for a new master, past ssh's own connect timeout.</summary>
    private static readonly TimeSpan MasterStartSlack = TimeSpan.FromSeconds(10);

    /// <summary>Before the shared options, so it wins: a command uses a master, never becomes one.</summary>
    private static readonly string[] ClientOptions = ["-o", "ControlMaster=no"];

    private readonly SshCommand _command;
    private readonly object _gate = new();
    private Process? _master;

    public SshConnection(DstackHome home, SshHost host)
    {
        Home = home;
        Host = host;
        _command = new SshCommand(home, host);
        _command.EnsureFolder();
    }

    public DstackHome Home { get; }

    public SshHost Host { get; }

    /// <summary>
    /// Makes sure a control master serves this host (one already there, say from <c>dstack pool list</c>, is used).
    /// Returns null when commands can be shared over it, else why not (the host's failure, in words).
    /// </summary>
    public Diagnostic? EnsureMaster()
    {
        if (!_command.SharesConnections)
        {
            return null;
        }

        lock (_gate)
        {
            if (IsMasterRunning())
            {
                return null;
            }

            StopMaster();
            var start = new ProcessStartInfo(SshCommand.Program)
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in MasterArguments())
            {
                start.ArgumentList.Add(argument);
            }

            Process master;
            try
            {
                master = Process.Start(start) ?? throw new Win32Exception("no process");
            }
            catch (Win32Exception e)
            {
                return SshFailure.Describe(Host, new ProgramRun(-1, string.Empty, string.Empty, false, e.Message), MasterStartSlack, Host.KnownHosts(Home));
            }

            var errors = master.StandardError.ReadToEndAsync();
            _ = master.StandardOutput.ReadToEndAsync();
            var deadline = Stopwatch.StartNew();
            var limit = TimeSpan.FromSeconds(SshCommand.ConnectTimeoutSeconds) + MasterStartSlack;
            while (deadline.Elapsed < limit)
            {
                if (master.HasExited)
                {
                    errors.Wait(TimeSpan.FromSeconds(2));
                    var said = errors.IsCompleted ? errors.Result : string.Empty;
                    var code = master.ExitCode;
                    master.Dispose();
                    return SshFailure.Describe(Host, new ProgramRun(code, string.Empty, said, false), limit, Host.KnownHosts(Home));
                }

                if (IsMasterRunning())
                {
                    _master = master;
                    return null;
                }

                Thread.Sleep(50);
            }

            Stop(master);
            master.Dispose();
            return SshFailure.Describe(Host, new ProgramRun(-1, string.Empty, string.Empty, TimedOut: true), limit, Host.KnownHosts(Home));
        }
    }

    /// <summary>Runs <paramref name="remoteCommand"/> (a POSIX sh command line) on the host and waits for it.</summary>
    public ProgramRun Run(string remoteCommand, string? input, TimeSpan timeout) =>
        ProgramOutput.Run(SshCommand.Program, Arguments(remoteCommand), input, timeout);

    /// <summary>
    /// Starts <paramref name="remoteCommand"/> with its standard output and error as pipes (and its input, when
    /// <paramref name="withInput"/>), for output streamed as it comes and uploads.
    /// </summary>
    public Process Start(string remoteCommand, bool withInput = false)
    {
        var start = new ProcessStartInfo(SshCommand.Program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in Arguments(remoteCommand))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new Win32Exception("ssh did not start");
        if (!withInput)
        {
            process.StandardInput.Close();
        }

        return process;
    }

    /// <summary>The arguments that run <paramref name="remoteCommand"/> over the shared connection.</summary>
    public IReadOnlyList<string> Arguments(string remoteCommand) => [.. ClientOptions, .. _command.Arguments(remoteCommand)];

    /// <summary>
    /// The arguments that forward the local unix socket <paramref name="localSocket"/> to <paramref name="remoteSocket"/>
    /// on the host: with a master, ssh hands the forward to it and exits 0 (the forward lives as long as the master);
    /// without one, it connects itself and keeps forwarding until it is stopped.
    /// </summary>
    public IReadOnlyList<string> ForwardArguments(string localSocket, string remoteSocket) =>
        [.. ClientOptions, "-N", "-o", "ExitOnForwardFailure=yes", "-o", "StreamLocalBindUnlink=yes", "-L", $"{localSocket}:{remoteSocket}", .. _command.Options(shareConnection: true), "--", Host.Destination];

    /// <summary>The arguments that take back a forward a master holds (<c>ssh -O cancel</c>).</summary>
    public IReadOnlyList<string> CancelForwardArguments(string localSocket, string remoteSocket) =>
        [.. _command.Options(shareConnection: true), "-O", "cancel", "-L", $"{localSocket}:{remoteSocket}", "--", Host.Destination];

    /// <summary>Describes a failed command as <c>dstack pool</c> does (unreachable, login refused, key changed).</summary>
    public Diagnostic Describe(ProgramRun run, TimeSpan timeout) => SshFailure.Describe(Host, run, timeout, Host.KnownHosts(Home));

    /// <summary>Stops the master this connection started (a master it found is left to its own ControlPersist).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            StopMaster();
        }
    }

    private IReadOnlyList<string> MasterArguments()
    {
        // -M and ControlPersist=no come first, so they win over the shared options; -N: no command, only the connection.
        return ["-M", "-N", "-o", "ControlMaster=yes", "-o", "ControlPersist=no", .. _command.Options(shareConnection: true), "--", Host.Destination];
    }

    private bool IsMasterRunning()
    {
        var run = ProgramOutput.Run(SshCommand.Program, [.. _command.Options(shareConnection: true), "-O", "check", "--", Host.Destination], null, TimeSpan.FromSeconds(5));
        return run.ExitCode == 0;
    }

    private void StopMaster()
    {
        if (_master is null)
        {
            return;
        }

        Stop(_master);
        _master.Dispose();
        _master = null;
    }

    /// <summary>
    /// Stops a master with SIGTERM, on which ssh removes its control socket, and kills it only when it does not exit.
    /// A killed master leaves the socket behind, and the next master (<c>ControlMaster=yes</c>) will not replace it:
    /// it runs without sharing, never answers <c>-O check</c>, and <see cref="EnsureMaster"/> gives up after 20 s.
    /// </summary>
    private static void Stop(Process master)
    {
        try
        {
            if (!master.HasExited && (!Signals.SignalProcess(master.Id, Signals.Terminate) || !master.WaitForExit(5_000)))
            {
                master.Kill(entireProcessTree: true);
                master.WaitForExit(5_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }
}
