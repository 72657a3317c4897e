using System.ComponentModel;
using System.Diagnostics;
using System.Net.Sockets;
using Dstack.Runtime.Containers;

namespace Dstack.Runtime.Ssh;

/// <summary>
/// An SSH host's Docker engine, reached from here: a local unix socket (private to the user, under
/// <c>$DSTACK_HOME/ssh</c>) forwarded to the host's <see cref="RemoteSocket"/> through the host's connection, and the
/// <see cref="Engine"/> that talks to it. The forward lives in the host's control master (or, where connections are
/// not shared, in an ssh client of its own); when the link drops, the engine's recover hook waits within the host's
/// reconnect window (<see cref="SshReconnect"/>), starts a new master and forward, and says the host is lost when the
/// window runs out. Disposing takes the forward back and removes the socket.
/// </summary>
public sealed class SshDockerForward : IDisposable
{
    /// <summary>The engine's socket on the host.</summary>
    public const string RemoteSocket = "/var/run/docker.sock";

    /// <summary>A unix socket path holds 107 bytes; ssh binds the name as given (StreamLocalBindUnlink), so a little less is safe.</summary>
    private const int MaxSocketPath = 100;

    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(SshCommand.ConnectTimeoutSeconds + 10);
    private static readonly TimeSpan PingLimit = TimeSpan.FromSeconds(5);

    private readonly SshConnection _connection;
    private readonly SshReconnect _reconnect;
    private readonly Lock _gate = new();
    private readonly string? _privateFolder;
    private Process? _own;
    private bool _inMaster;
    private bool _disposed;

    private SshDockerForward(SshConnection connection, SshReconnect reconnect)
    {
        _connection = connection;
        _reconnect = reconnect;
        var name = $"docker-{Guid.NewGuid().ToString("N")[..12]}.sock";
        SshCommand.EnsureFolder(connection.Home);
        LocalSocket = Path.Combine(connection.Home.SshFolder, name);
        if (LocalSocket.Length > MaxSocketPath)
        {
            // A deep $DSTACK_HOME: a folder of our own under /tmp, private to the user as the ssh folder is.
            _privateFolder = Path.Combine(Path.GetTempPath(), $"dstack-{Guid.NewGuid().ToString("N")[..8]}");
            Directory.CreateDirectory(_privateFolder);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(_privateFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            LocalSocket = Path.Combine(_privateFolder, "docker.sock");
        }

        Engine = new ContainerEngine(new DockerApi(ConnectAsync, $"{connection.Host.Name}'s Docker engine"), connection.Host.Name, RecoverAsync);
    }

    /// <summary>The host's engine, through the forward.</summary>
    public ContainerEngine Engine { get; }

    /// <summary>The local end of the forward.</summary>
    public string LocalSocket { get; }

    /// <summary>Forwards the host's engine socket here over <paramref name="connection"/>.</summary>
    /// <exception cref="ContainerStartException">The host cannot be reached, or ssh refused the forward; the message says why.</exception>
    public static SshDockerForward Open(SshConnection connection, SshReconnect reconnect)
    {
        var forward = new SshDockerForward(connection, reconnect);
        if (forward.Forward() is { } problem)
        {
            forward.Dispose();
            throw new ContainerStartException($"image: the Docker engine of {connection.Host.Name} could not be reached over SSH ({RemoteSocket} forwarded to this machine): {problem}; check that Docker runs there and that {UserOf(connection.Host)} can use it (`docker version` on the host), or remove image:");
        }

        return forward;
    }

    /// <summary>The login user as a message names it.</summary>
    public static string UserOf(SshHost host) => host.User.Length > 0 ? $"the user {host.User}" : "the login user";

    /// <summary>Sets up the forward (a new master first when the old one is gone); null when it is in place, else why not.</summary>
    private string? Forward()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return "the host was released";
            }

            StopOwn();
            if (_connection.EnsureMaster() is { } unreachable)
            {
                return unreachable.Message;
            }

            var start = new ProcessStartInfo(SshCommand.Program)
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in _connection.ForwardArguments(LocalSocket, RemoteSocket))
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
                return $"ssh could not be started ({e.Message})";
            }

            process.StandardInput.Close();
            var errors = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEndAsync();
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < StartLimit)
            {
                if (process.WaitForExit(50))
                {
                    process.WaitForExit();
                    var code = process.ExitCode;
                    process.Dispose();
                    if (code == 0)
                    {
                        // The master took the forward over.
                        _inMaster = true;
                        return null;
                    }

                    var said = errors.Wait(TimeSpan.FromSeconds(2)) ? errors.Result.Trim() : string.Empty;
                    return said.Length > 0 ? $"ssh said: {said.Split('\n')[^1].Trim()}" : $"ssh exited with code {code}";
                }

                if (Answers())
                {
                    // No master to hand it to: this ssh forwards on its own.
                    _own = process;
                    return null;
                }
            }

            Stop(process);
            process.Dispose();
            return $"the forward was not ready within {StartLimit.TotalSeconds:0} s";
        }
    }

    private bool Answers()
    {
        if (!File.Exists(LocalSocket))
        {
            return false;
        }

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(LocalSocket));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private async ValueTask<Stream> ConnectAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(LocalSocket), cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The engine stopped answering: true once it answers again (a new master and forward), false when the host is lost.</summary>
    private async Task<bool> RecoverAsync(CancellationToken cancellationToken)
    {
        while (!_disposed)
        {
            if (await Engine.Api.PingAsync(PingLimit, cancellationToken).ConfigureAwait(false))
            {
                _reconnect.Succeeded();
                return true;
            }

            if (!await _reconnect.WaitBeforeRetryAsync(cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            await Task.Run(Forward, cancellationToken).ConfigureAwait(false);
        }

        return false;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            StopOwn();
            if (_inMaster)
            {
                // Best effort: a master this host's connection owns ends with it anyway; one it found keeps running.
                Processes.ProgramOutput.Run(SshCommand.Program, _connection.CancelForwardArguments(LocalSocket, RemoteSocket), null, TimeSpan.FromSeconds(5));
            }
        }

        Engine.Dispose();
        try
        {
            File.Delete(LocalSocket);
            if (_privateFolder is not null)
            {
                Directory.Delete(_privateFolder, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A socket file left in a private folder harms nothing; the next forward uses another name.
        }
    }

    private void StopOwn()
    {
        if (_own is { } own)
        {
            Stop(own);
            own.Dispose();
            _own = null;
        }
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }
}
