using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Dstack.Runtime.Ssh;

namespace Dstack.Runtime.Hosts;

/// <summary>A job's port reached from the controller: a local forward over the host's connection (<c>ssh -L</c>).</summary>
public sealed partial class RemoteHost
{
    private static readonly TimeSpan ForwardStartLimit = TimeSpan.FromSeconds(SshCommand.ConnectTimeoutSeconds + 10);

    /// <summary>
    /// A free port of this machine forwarded to <paramref name="port"/> on the host's loopback: the host's control master
    /// takes the forward over (it lives as long as the master); without connection sharing an ssh client of its own
    /// forwards until disposed. A local port taken meanwhile is tried once more with another.
    /// </summary>
    public ReachedPort ReachPort(int rank, int port)
    {
        if (Connect() is { } problem)
        {
            throw new IOException(problem.Message);
        }

        string? why = null;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var local = LocalHost.FreeLocalPort([]);
            var localSpec = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{local}");
            var remoteSpec = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}");
            (var own, why) = StartForward(localSpec, remoteSpec, local);
            if (why is null)
            {
                var address = new Uri($"http://127.0.0.1:{local}/");
                return new ReachedPort(address, () =>
                {
                    if (own is not null)
                    {
                        StopProcess(own);
                    }
                    else
                    {
                        // Best effort: a master of this host's connection ends with it anyway.
                        Processes.ProgramOutput.Run(SshCommand.Program, Connection.CancelForwardArguments(localSpec, remoteSpec), null, TimeSpan.FromSeconds(5));
                    }
                });
            }
        }

        throw new IOException($"port {port} of {Name} could not be forwarded to this machine over SSH: {why}");
    }

    public int FreePort(int rank, IReadOnlyCollection<int> taken)
    {
        // Asked of the host's own kernel (its python3, which SSH hosts run jobs with); a port after the taken ones otherwise.
        const string script = "python3 -c 'import socket; s = socket.socket(); s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])'";
        for (var tries = 0; tries < 5; tries++)
        {
            var run = Connection.Run(script, null, TimeSpan.FromSeconds(15));
            if (run.ExitCode == 0 && int.TryParse(run.Output.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && !taken.Contains(port))
            {
                return port;
            }

            if (run.ExitCode != 0)
            {
                break;
            }
        }

        return taken.Count == 0 ? 20000 : taken.Max() + 1;
    }

    private (Process? Own, string? Why) StartForward(string localSpec, string remoteSpec, int local)
    {
        var start = new ProcessStartInfo(SshCommand.Program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in Connection.ForwardArguments(localSpec, remoteSpec))
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("ssh did not start");
        }
        catch (Win32Exception e)
        {
            return (null, $"ssh could not be started ({e.Message})");
        }

        process.StandardInput.Close();
        var errors = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < ForwardStartLimit)
        {
            if (process.WaitForExit(50))
            {
                process.WaitForExit();
                var code = process.ExitCode;
                process.Dispose();
                if (code == 0)
                {
                    // The master took the forward over.
                    return (null, null);
                }

                var said = errors.Wait(TimeSpan.FromSeconds(2)) ? errors.Result.Trim() : string.Empty;
                return (null, said.Length > 0 ? $"ssh said: {said.Split('\n')[^1].Trim()}" : $"ssh exited with code {code}");
            }

            if (Listens(local))
            {
                // No master to hand it to: this ssh forwards on its own.
                return (process, null);
            }
        }

        StopProcess(process);
        return (null, $"the forward was not ready within {ForwardStartLimit.TotalSeconds:0} s");
    }

    private static bool Listens(int port)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static void StopProcess(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
        }

        process.Dispose();
    }
}
