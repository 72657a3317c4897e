using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Processes;

namespace Dstack.Runtime.Ssh;

public sealed partial class SshTunnel
{
    private static SshTunnel Open(TunnelTarget target, TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        var host = target.Host;
        var socket = SocketPath(target.Home, target.RunName);
        if (socket.Length > MaxSocketPath)
        {
            throw new SshTunnelException(DiagnosticCodes.StateUnavailable, null,
                $"the SSH tunnel's control socket {socket} is {socket.Length} characters long, and sockets allow {MaxSocketPath} here; " +
                "set DSTACK_HOME to a shorter folder, such as ~/.dstack");
        }

        new SshCommand(target.Home, host).EnsureFolder();
        if (File.Exists(socket))
        {
            if (Answers(socket, host, ControlCommandTimeout))
            {
                throw new SshTunnelException(DiagnosticCodes.PortBusy, null,
                    $"run {target.RunName} already has an SSH tunnel to {host.Name} ({host.Address}), control socket {socket}; " +
                    $"use it, or close it with: ssh -S {socket} -O exit {host.Destination}");
            }

            // Left by a killed tunnel: ssh would not replace it and would run without a control socket.
            File.Delete(socket);
        }
        var start = new ProcessStartInfo(SshCommand.Program, Arguments(target.Home, host, socket, target.ListenHost, target.Ports))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{SshCommand.Program} did not start");
        }
        catch (Exception e) when (e is Win32Exception or IOException or InvalidOperationException)
        {
            throw Failure(target, new ProgramRun(-1, string.Empty, string.Empty, TimedOut: false, NotStarted: e.Message), timeout);
        }

        var errors = new Queue<string>();
        var readers = Task.WhenAll(ReadLinesAsync(process.StandardOutput, null), ReadLinesAsync(process.StandardError, errors));
        var opened = false;
        try
        {
            WaitUntilReady(process, socket, host, timeout);
            opened = true;
            return new SshTunnel(target, socket, process, errors, readers);
        }
        catch (TimeoutException)
        {
            Stop(process);
            readers.Wait(TimeSpan.FromSeconds(2));
            throw Failure(target, new ProgramRun(-1, string.Empty, Snapshot(errors), TimedOut: true), timeout);
        }
        catch (OperationCanceledException)
        {
            // ssh exited before its master answered: what it said tells why.
            readers.Wait(TimeSpan.FromSeconds(2));
            throw Failure(target, new ProgramRun(process.ExitCode, string.Empty, Snapshot(errors), TimedOut: false), timeout);
        }
        finally
        {
            if (!opened)
            {
                Stop(process);
                RemoveStaleSocket(socket, host);
                process.Dispose();
            }
        }
    }

    /// <summary>
    /// Polls until the master answers on its socket; <see cref="OperationCanceledException"/> when ssh exits first,
    /// <see cref="TimeoutException"/> at the deadline.
    /// </summary>
    private static void WaitUntilReady(Process process, string socket, SshHost host, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new OperationCanceledException("ssh exited");
            }

            // ssh creates the socket only after every local port listens (or, with ExitOnForwardFailure, exits).
            var left = timeout - clock.Elapsed;
            if (File.Exists(socket) && left > TimeSpan.Zero && Answers(socket, host, left < ControlCommandTimeout ? left : ControlCommandTimeout))
            {
                return;
            }

            process.WaitForExit(PollInterval);
        }

        throw new TimeoutException();
    }

    private static async Task ReadLinesAsync(StreamReader reader, Queue<string>? into)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (into is null)
            {
                continue;
            }

            lock (into)
            {
                into.Enqueue(line);
                if (into.Count > KeptErrorLines)
                {
                    into.Dequeue();
                }
            }
        }
    }

    /// <summary>One exception in plain words: a local port ssh could not listen on, else the SSH failure.</summary>
    private static SshTunnelException Failure(TunnelTarget target, ProgramRun run, TimeSpan timeout)
    {
        var host = target.Host;
        var where = $"the SSH tunnel to {host.Name} ({host.Address})";
        if (ListenFailure().Match(run.Error) is { Success: true } bind)
        {
            var local = int.Parse(bind.Groups["port"].Value, NumberStyles.None, CultureInfo.InvariantCulture);
            var reason = bind.Groups["reason"].Value.Trim();
            var forwarded = target.Ports.FirstOrDefault(p => p.LocalPort == local);
            var to = forwarded is null ? string.Empty : $" to port {forwarded.ContainerPort} there";
            var problem = reason switch
            {
                _ when reason.Contains("in use", StringComparison.OrdinalIgnoreCase) =>
                    $"local port {local} is already in use on {target.ListenHost}; stop what uses it, or map another local port (-p *:{forwarded?.ContainerPort ?? local} for any free one)",
                _ when reason.Contains("Permission denied", StringComparison.OrdinalIgnoreCase) =>
                    $"local port {local} needs administrator rights on this machine; map a port above 1023",
                _ when reason.Contains("assign requested address", StringComparison.OrdinalIgnoreCase) =>
                    $"{target.ListenHost} is not an address of this machine; use --host 127.0.0.1 or --host 0.0.0.0",
                _ => $"ssh cannot listen on local port {local}",
            };
            return new SshTunnelException(DiagnosticCodes.PortBusy, local, $"{where} cannot forward local port {local}{to}: {problem} (ssh: {bind.Value.Trim()})");
        }

        if (run.Error.Contains("cannot listen to port", StringComparison.Ordinal) || run.Error.Contains("Could not request local forwarding", StringComparison.Ordinal))
        {
            return new SshTunnelException(DiagnosticCodes.PortBusy, null, $"{where} cannot forward its ports: {LastLine(run.Error)}; check that the local ports are free");
        }

        if (run.TimedOut && run.Error.Length == 0)
        {
            return new SshTunnelException(DiagnosticCodes.HostUnreachable, null,
                $"{where} did not open within {timeout.TotalSeconds:0} seconds; check that the host is up and that `ssh {host.Destination}` works");
        }

        var described = SshFailure.Describe(host, run, timeout, host.KnownHosts(target.Home));
        return new SshTunnelException(described.Code, null, $"{where} cannot open: {described.Message}");
    }

    private static string LastLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.LastOrDefault(l => !l.StartsWith("Warning: Permanently added", StringComparison.Ordinal)) ?? string.Empty;
    }

    /// <summary>ssh's line for a local port it cannot bind: <c>bind [127.0.0.1]:8080: Address already in use</c>.</summary>
    [GeneratedRegex(@"bind \[[^\]]*\]:(?<port>[0-9]{1,5}): (?<reason>[^\r\n]*)", RegexOptions.CultureInvariant)]
    private static partial Regex ListenFailure();
}
