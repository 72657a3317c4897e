using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Dstack.Runtime.Ssh;

namespace Dstack.Runtime.DevEnvironments;

/// <summary>
/// The SSH server of a dev environment on this machine: OpenSSH's <c>sshd</c>, run by the controller as the current
/// user on <c>127.0.0.1</c> and a free port, with its own host key and files in a folder of the run's state
/// (<see cref="Folder"/>). It lets in only the project key, and only this user. Every session (a terminal, a command,
/// VS Code's Remote-SSH, sftp) starts in the environment's folder with the job's environment: the server forces a small
/// script that loads it and then runs what the client asked for (an interactive login is a login shell). Stopping it
/// ends the server and every session (the whole process tree), and removes its folder.
/// </summary>
/// <remarks>Its config, environment file and session script are <see cref="DevEnvironmentSshd"/>'s, as every dev environment's sshd.</remarks>
public sealed class LoopbackSshServer : IDevEnvironmentServer
{
    /// <summary>Where Debian's openssh-server puts the server.</summary>
    public const string DefaultProgram = DevEnvironmentSshd.DefaultProgram;

    private const string LoopbackAddress = DevEnvironmentSshd.LoopbackAddress;
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ToolLimit = TimeSpan.FromSeconds(30);
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly Process _server;
    private string? _token;

    private LoopbackSshServer(string folder, int port, string user, string hostKeyLine, Process server)
    {
        Folder = folder;
        Port = port;
        User = user;
        HostKeyLine = hostKeyLine;
        _server = server;
    }

    /// <summary>The server's folder (config, host key, authorized key, session script, environment, log); removed on <see cref="Dispose"/>.</summary>
    public string Folder { get; }

    /// <summary>The port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The user sessions log in as (the one running the server).</summary>
    public string User { get; }

    /// <summary>The server's public host key, as a known_hosts line would hold it after the address (<c>ssh-ed25519 AAAA…</c>).</summary>
    public string HostKeyLine { get; }

    /// <summary>Where the server of run <paramref name="runName"/> keeps its files: <c>$DSTACK_HOME/runs/RUN/ssh-server</c>.</summary>
    public static string FolderFor(State.DstackHome home, string runName) => Path.Combine(home.RunFolder(runName), "ssh-server");

    /// <summary>
    /// Ends the server a controller that is gone left in <paramref name="folder"/> (the one its pid file names, when
    /// that process is an sshd) and removes the folder; its sessions end with the job's processes (they carry its token).
    /// </summary>
    public static void StopLeftover(string folder)
    {
        var pidFile = Path.Combine(folder, "sshd.pid");
        try
        {
            if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out var pid)
                && File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/comm").Trim().StartsWith("sshd", StringComparison.Ordinal))
            {
                Processes.Signals.SignalProcess(pid, Processes.Signals.Kill);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The process is gone already.
        }

        TryDeleteFolder(folder);
    }

    /// <summary>The known_hosts file that holds the server's host key for <c>[127.0.0.1]:PORT</c>.</summary>
    public string KnownHostsFile => Path.Combine(Folder, "known_hosts");

    /// <summary>The SSH sessions open now (<see cref="SessionCount"/>).</summary>
    public int Sessions => SessionCount.Of(Port);

    /// <summary>The key <see cref="Login"/> names (the project key).</summary>
    public string? IdentityFile { get; set; }

    /// <summary>The <c>Host</c> name <see cref="Login"/> has.</summary>
    public string Alias { get; set; } = "dev-environment";

    /// <inheritdoc/>
    public SshHost Login => LoginAs(Alias, IdentityFile);

    /// <summary>Once a second: reading this machine's /proc/net/tcp costs nothing.</summary>
    public TimeSpan SessionInterval => TimeSpan.FromSeconds(1);

    /// <inheritdoc/>
    public int? CountSessions() => Sessions;

    /// <summary>The login as an <see cref="SshHost"/> named <paramref name="alias"/>, with <paramref name="identityFile"/> as its key and the server's own known_hosts.</summary>
    public SshHost LoginAs(string alias, string? identityFile) =>
        new(alias, User, LoopbackAddress, Port, identityFile) { KnownHostsFile = KnownHostsFile };

    /// <summary>Starts the server in <paramref name="folder"/> (made, private; anything there is replaced).</summary>
    /// <param name="folder">The server's folder.</param>
    /// <param name="authorizedKey">The one public key let in (an OpenSSH line).</param>
    /// <param name="workingFolder">Where sessions start.</param>
    /// <param name="environment">The job's environment: sessions get it, less the login's own variables and names that are no shell variable.</param>
    /// <param name="program">The sshd program (tests may pass another).</param>
    /// <param name="container">The job's container, where sessions run (<c>image:</c>); null for this machine itself.</param>
    /// <exception cref="LoopbackSshServerException">sshd or ssh-keygen is missing, or the server did not start; the message says why and what to do.</exception>
    public static LoopbackSshServer Start(string folder, string authorizedKey, string workingFolder, IReadOnlyDictionary<string, string> environment, string program = DefaultProgram, string? container = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!File.Exists(program))
        {
            throw new LoopbackSshServerException(
                $"the dev environment needs OpenSSH's server at {program} to be reachable over SSH on this machine; install it (Debian/Ubuntu: sudo apt-get install openssh-server; the service itself need not run)");
        }

        try
        {
            return StartIn(folder, authorizedKey, workingFolder, environment, program, container);
        }
        catch
        {
            // Nothing is left of a server that did not start: its folder holds the job's environment.
            TryDeleteFolder(folder);
            throw;
        }
    }

    private static LoopbackSshServer StartIn(string folder, string authorizedKey, string workingFolder, IReadOnlyDictionary<string, string> environment, string program, string? container)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, PrivateFolder);
        }

        var hostKey = Path.Combine(folder, "host_key");
        var keygen = Processes.ProgramOutput.Run("ssh-keygen", ["-q", "-t", "ed25519", "-N", string.Empty, "-C", "dstack-dev-environment", "-f", hostKey], null, ToolLimit);
        if (keygen.ExitCode != 0 || !File.Exists(hostKey + ".pub"))
        {
            throw new LoopbackSshServerException($"ssh-keygen could not make the dev environment's host key in {folder}: {keygen.NotStarted ?? keygen.Error.Trim()}; install OpenSSH's client (Debian/Ubuntu: sudo apt-get install openssh-client)");
        }

        var hostKeyLine = string.Join(' ', File.ReadAllText(hostKey + ".pub").Trim().Split(' ').Take(2));
        WritePrivate(Path.Combine(folder, "authorized_keys"), authorizedKey.Trim() + "\n");
        WritePrivate(Path.Combine(folder, "environment"), DevEnvironmentSshd.EnvironmentFile(environment));
        WritePrivate(Path.Combine(folder, "session.sh"), DevEnvironmentSshd.SessionScript(Path.Combine(folder, "environment"), workingFolder, container));
        if (Environment.IsPrivilegedProcess)
        {
            // As root, sshd refuses to start without its privilege separation folder.
            Directory.CreateDirectory("/run/sshd");
        }

        var user = Environment.UserName;
        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            // A port found free may be taken before sshd binds it: then another is tried.
            var port = FreePort();
            var config = Path.Combine(folder, "sshd_config");
            WritePrivate(config, DevEnvironmentSshd.Config(folder, port, user));
            var server = StartServer(program, config, folder);
            if (WaitUntilListening(server, port))
            {
                File.WriteAllText(Path.Combine(folder, "known_hosts"), $"[{LoopbackAddress}]:{port.ToString(CultureInfo.InvariantCulture)} {hostKeyLine}\n");
                return new LoopbackSshServer(folder, port, user, hostKeyLine, server) { _token = environment.GetValueOrDefault(Processes.JobProcess.TokenVariable) };
            }

            Kill(server);
            last = new LoopbackSshServerException($"sshd did not start on {LoopbackAddress}:{port}: {LastLines(Path.Combine(folder, "sshd.log"))}");
        }

        throw last!;
    }

    private static Process StartServer(string program, string config, string folder)
    {
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
        };
        foreach (var argument in new[] { "-D", "-f", config, "-E", Path.Combine(folder, "sshd.log") })
        {
            start.ArgumentList.Add(argument);
        }

        // The server's own environment is minimal: sessions get the job's from the session script.
        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        var server = Process.Start(start) ?? throw new LoopbackSshServerException($"{program} could not be started");
        server.StandardInput.Close();
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        return server;
    }

    private static bool WaitUntilListening(Process server, int port)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartLimit)
        {
            if (server.HasExited)
            {
                return false;
            }

            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        return false;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void WritePrivate(string path, string text)
    {
        File.WriteAllText(path, text);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, PrivateFile);
        }
    }

    private static string LastLines(string log)
    {
        try
        {
            return File.Exists(log) && File.ReadAllLines(log).TakeLast(3).ToArray() is { Length: > 0 } lines ? string.Join(" / ", lines) : "it wrote nothing";
        }
        catch (IOException)
        {
            return "its log could not be read";
        }
    }

    private static void Kill(Process server)
    {
        try
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                server.WaitForExit(5_000);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // It ended meanwhile.
        }

        server.Dispose();
    }

    /// <summary>Ends the server and every session (the whole process tree), and removes <see cref="Folder"/>.</summary>
    public void Dispose()
    {
        Kill(_server);

        // What a session detached (nohup, setsid) still carries the job's token.
        if (_token is not null)
        {
            Processes.MarkedProcesses.Signal(Processes.JobProcess.TokenVariable, _token, Processes.Signals.Kill);
        }

        TryDeleteFolder(Folder);
    }

    private static void TryDeleteFolder(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the folder holds no process.
        }
    }
}
