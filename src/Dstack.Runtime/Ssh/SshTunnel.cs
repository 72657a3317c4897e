using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dstack.Runtime.Forwarding;
using Dstack.Runtime.Processes;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Ssh;

/// <summary>
/// Forwards local ports to ports on an SSH host's 127.0.0.1, as dstack does: one OpenSSH client per run, its own
/// control master (<c>-M -S SOCKET</c>) with one <c>-L LISTEN:LOCAL:127.0.0.1:REMOTE</c> per port, kept in the
/// foreground as a child process. <c>ExitOnForwardFailure</c> makes a port it cannot listen on fail the start, and
/// the keep-alives of <see cref="SshCommand"/> end it about 15 seconds after the link dies. While it is open,
/// <c>ssh &lt;run&gt;</c> (see <see cref="SshClientConfig"/>) logs in over the same connection.
/// </summary>
/// <remarks>
/// A dropped link ends the tunnel: <see cref="ExitedUnexpectedly"/> completes with ssh's reason. Reopening is the
/// caller's choice (it knows whether the run is still going and how long to keep trying): <see cref="Reopen"/> opens a
/// new tunnel with the same ports, and throws <see cref="SshTunnelException"/> while the host is still unreachable.
/// Needs an OpenSSH client with connection sharing (Linux, macOS). The child is not tied to this process: dispose the
/// tunnel, or it keeps forwarding after this process ends.
/// </remarks>
public sealed partial class SshTunnel : IDisposable
{
    /// <summary>
    /// The longest control socket path: a Unix socket path holds 107 bytes, and ssh first binds a temporary name
    /// 17 characters longer, then renames it.
    /// </summary>
    public const int MaxSocketPath = 90;

    private const int KeptErrorLines = 50;
    private static readonly TimeSpan ControlCommandTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly Process _process;
    private readonly Queue<string> _errors;
    private readonly Task _readers;
    private readonly Task _monitor;
    private readonly TaskCompletionSource<string> _exitedUnexpectedly = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposing;

    private SshTunnel(TunnelTarget target, string controlSocket, Process process, Queue<string> errors, Task readers)
    {
        Home = target.Home;
        Host = target.Host;
        RunName = target.RunName;
        ListenHost = target.ListenHost;
        Ports = target.Ports;
        ControlSocket = controlSocket;
        _process = process;
        _errors = errors;
        _readers = readers;
        ProcessId = process.Id;
        _monitor = Task.Run(MonitorAsync);
    }

    public DstackHome Home { get; }

    /// <summary>The host the ports are forwarded to.</summary>
    public SshHost Host { get; }

    public string RunName { get; }

    /// <summary>The address the local ports listen on (<c>--host</c>).</summary>
    public string ListenHost { get; }

    /// <summary>The forwarded ports: local port here, container port on the host's 127.0.0.1.</summary>
    public IReadOnlyList<ResolvedPort> Ports { get; }

    /// <summary>The control master's socket: <c>ssh -S SOCKET</c> (or <c>ControlPath</c>) shares the connection.</summary>
    public string ControlSocket { get; }

    /// <summary>The process id of the ssh client.</summary>
    public int ProcessId { get; }

    /// <summary>True while ssh runs and the tunnel has not been disposed.</summary>
    public bool IsAlive => Volatile.Read(ref _disposing) == 0 && !_process.HasExited;

    /// <summary>
    /// Completes with ssh's last words (such as <c>Connection to 10.0.0.5 closed by remote host.</c>) when ssh exits
    /// without <see cref="Dispose"/> having been called: the link dropped or the host went away. Cancelled by
    /// <see cref="Dispose"/>.
    /// </summary>
    public Task<string> ExitedUnexpectedly => _exitedUnexpectedly.Task;

    /// <summary>
    /// The control socket of <paramref name="runName"/>'s tunnel: <c>$DSTACK_HOME/ssh/t-&lt;hash&gt;.sock</c>, short
    /// because Unix socket paths are.
    /// </summary>
    public static string SocketPath(DstackHome home, string runName)
    {
        ArgumentNullException.ThrowIfNull(home);
        ArgumentException.ThrowIfNullOrEmpty(runName);
        var hash = Dstack.Runtime.Hashing.ShortHash.HexOf(runName)[..12];
        return Path.Combine(home.SshFolder, $"t-{hash}.sock");
    }

    /// <summary>The ssh arguments of a tunnel (without the program).</summary>
    public static IReadOnlyList<string> Arguments(DstackHome home, SshHost host, string controlSocket, string listenHost, IReadOnlyList<ResolvedPort> ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        ArgumentException.ThrowIfNullOrEmpty(listenHost);
        var bind = listenHost.Contains(':', StringComparison.Ordinal) && !listenHost.StartsWith('[') ? $"[{listenHost}]" : listenHost;
        List<string> arguments =
        [
            .. new SshCommand(home, host).Options(shareConnection: false),
            "-M", "-S", controlSocket, "-o", "ControlPersist=no", "-o", "ExitOnForwardFailure=yes", "-N",
        ];
        foreach (var port in ports)
        {
            arguments.AddRange(["-L", string.Create(CultureInfo.InvariantCulture, $"{bind}:{port.LocalPort}:127.0.0.1:{port.ContainerPort}")]);
        }

        arguments.AddRange(["--", host.Destination]);
        return arguments;
    }

    /// <summary>
    /// Starts ssh and waits, for at most <paramref name="timeout"/>, until its control master answers
    /// (<c>ssh -O check</c>), which it does only once every local port listens.
    /// </summary>
    /// <param name="home">dstack's folder: the control socket and known_hosts live in its <c>ssh</c> folder.</param>
    /// <param name="host">The host the job runs on.</param>
    /// <param name="runName">The run; names the control socket, so one run has one tunnel.</param>
    /// <param name="listenHost">Where the local ports listen: <c>127.0.0.1</c> unless the user passed <c>--host</c>.</param>
    /// <param name="ports">The ports, as <see cref="PortReservation.Release"/> returned them.</param>
    /// <param name="timeout">How long the connection and the forwarding may take.</param>
    /// <exception cref="SshTunnelException">
    /// ssh failed or did not answer in time; no ssh process is left running and the socket is removed.
    /// </exception>
    public static SshTunnel Open(DstackHome home, SshHost host, string runName, string listenHost, IReadOnlyList<ResolvedPort> ports, TimeSpan timeout) =>
        Open(new TunnelTarget(home, host, runName, listenHost, [.. ports]), timeout);

    /// <summary>
    /// Opens a new tunnel to the same host with the same ports, after this one has died (a dropped link, a rebooted
    /// host); disposes this one first.
    /// </summary>
    /// <exception cref="SshTunnelException">The host is still unreachable, or a port was taken meanwhile.</exception>
    public SshTunnel Reopen(TimeSpan timeout)
    {
        Dispose();
        return Open(new TunnelTarget(Home, Host, RunName, ListenHost, Ports), timeout);
    }

    /// <summary>
    /// Closes the tunnel: asks the master to exit (<c>ssh -O exit</c>), kills it when it does not, waits for it,
    /// and removes the control socket. The local ports are free again afterwards.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposing, 1) != 0)
        {
            return;
        }

        if (!_process.HasExited)
        {
            ProgramOutput.Run(SshCommand.Program, ControlArguments(ControlSocket, "exit", Host), null, ControlCommandTimeout);
        }

        Stop(_process);
        _monitor.Wait(ExitWait);
        RemoveStaleSocket(ControlSocket, Host);
        _process.Dispose();
    }

    private async Task MonitorAsync()
    {
        await _process.WaitForExitAsync().ConfigureAwait(false);
        await WaitBriefly(_readers).ConfigureAwait(false);
        if (Volatile.Read(ref _disposing) != 0)
        {
            _exitedUnexpectedly.TrySetCanceled();
            return;
        }

        var said = LastLine(Snapshot(_errors));
        _exitedUnexpectedly.TrySetResult(said.Length > 0 ? said : $"ssh exited with code {_process.ExitCode}");
    }

    /// <summary>Kills ssh when it is still running, and waits for it; bounded.</summary>
    private static void Stop(Process process)
    {
        try
        {
            if (!process.WaitForExit(process.HasExited ? TimeSpan.Zero : ExitWait))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(ExitWait);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
            // It exited between the check and the kill.
        }
    }

    /// <summary>The arguments of a control command (<c>check</c>, <c>exit</c>) to the master behind <paramref name="socket"/>.</summary>
    private static string[] ControlArguments(string socket, string command, SshHost host) =>
        ["-F", "none", "-o", "BatchMode=yes", "-o", "ControlMaster=no", "-S", socket, "-O", command, "--", host.Destination];

    private static bool Answers(string socket, SshHost host, TimeSpan timeout) =>
        ProgramOutput.Run(SshCommand.Program, ControlArguments(socket, "check", host), null, timeout).ExitCode == 0;

    /// <summary>Removes a socket no master answers on (left by a killed ssh); ssh would not replace it.</summary>
    private static void RemoveStaleSocket(string socket, SshHost host)
    {
        if (File.Exists(socket) && !Answers(socket, host, ControlCommandTimeout))
        {
            File.Delete(socket);
        }
    }

    private static async Task WaitBriefly(Task task)
    {
        try
        {
            await task.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A child ssh left behind holds stderr open; what was read so far is enough.
        }
    }

    private static string Snapshot(Queue<string> errors)
    {
        lock (errors)
        {
            return string.Join('\n', errors);
        }
    }

    private sealed record TunnelTarget(DstackHome Home, SshHost Host, string RunName, string ListenHost, IReadOnlyList<ResolvedPort> Ports);
}
