using System.Globalization;
using System.Text;
using Dstack.Runtime.Processes;
using Dstack.Runtime.Runs;
using Dstack.Runtime.Ssh;

namespace Dstack.Runtime.DevEnvironments;

/// <summary>
/// The SSH server of a dev environment whose job runs on another machine (a pool host, a cloud instance): OpenSSH's
/// <c>sshd</c> started there over the host's connection, as the login user, on that machine's <c>127.0.0.1</c> and a
/// port free there, with its own host key, letting in only the key dstack logs in with, and the same config and
/// session script as on this machine (<see cref="DevEnvironmentSshd"/>). Its files are in the job's folder there
/// (<c>~/.dstack-runs/RUN-KEY/job-0/ssh-server</c>); here, only a known_hosts with its host key. <c>ssh RUN</c>
/// reaches it through the machine (<see cref="SshHost.Through"/>). Every session carries the job's token (the
/// environment file holds it), so whatever ends the job's processes there ends them too; the server itself is found by
/// its pid file in the job's folder (<see cref="RemoteJobFolder.StopServerCommand"/>), as it rewrites its own
/// environment area with its process title.
/// </summary>
public sealed class RemoteSshServer : IDevEnvironmentServer
{
    /// <summary>How often sessions are counted: each count is one command over the host's connection (<c>cat /proc/net/tcp</c>).</summary>
    public static readonly TimeSpan CountInterval = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan CommandLimit = TimeSpan.FromSeconds(30);

    /// <summary>The exit code of the start script when a program or file the server needs is missing on the machine.</summary>
    private const int MissingCode = 90;

    private readonly SshConnection _connection;
    private readonly string? _token;

    private RemoteSshServer(SshConnection connection, string remoteFolder, string localFolder, int port, int pid, string? token, SshHost login)
    {
        _connection = connection;
        RemoteFolder = remoteFolder;
        LocalFolder = localFolder;
        Port = port;
        Pid = pid;
        _token = token;
        Login = login;
    }

    /// <summary>The server's folder on the machine (absolute).</summary>
    public string RemoteFolder { get; }

    /// <summary>The folder here that holds its known_hosts.</summary>
    public string LocalFolder { get; }

    /// <summary>The port on the machine's 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The server's process id on the machine.</summary>
    public int Pid { get; }

    /// <inheritdoc/>
    public SshHost Login { get; }

    /// <inheritdoc/>
    public TimeSpan SessionInterval => CountInterval;

    /// <summary>The established connections to 127.0.0.1:<see cref="Port"/> on the machine, read over the host's connection.</summary>
    public int? CountSessions()
    {
        var run = _connection.Run("cat /proc/net/tcp", null, CommandLimit);
        return run.ExitCode == 0 ? SessionCount.Parse(run.Output, Port) : null;
    }

    /// <summary>
    /// Starts the server on <paramref name="connection"/>'s machine in <paramref name="remoteFolder"/> (made, private;
    /// anything there is replaced) and writes its known_hosts into <see cref="DevEnvironmentSession.LocalFolder"/>.
    /// </summary>
    /// <param name="connection">The machine's connection.</param>
    /// <param name="remoteFolder">The server's folder there, absolute.</param>
    /// <param name="session">What the sessions get.</param>
    /// <param name="authorizedKey">The public key let in (the one dstack logs in with); null for the login user's own <c>~/.ssh/authorized_keys</c> there (dstack logs in with the agent's or ssh's default keys).</param>
    /// <param name="program">The sshd program on the machine.</param>
    /// <exception cref="DevEnvironmentServerException">The machine lacks what the server needs, or it did not start; the message says what and how to fix it.</exception>
    public static RemoteSshServer Start(SshConnection connection, string remoteFolder, DevEnvironmentSession session, string? authorizedKey, string program = DevEnvironmentSshd.DefaultProgram)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(session);
        var host = connection.Host;
        var token = session.Environment.GetValueOrDefault(JobProcess.TokenVariable);
        var script = StartScript(remoteFolder, authorizedKey, host.User, session, token, program);
        var run = connection.Run("sh -s", script, CommandLimit);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var started = lines.FirstOrDefault(l => l.StartsWith("dstack-sshd ", StringComparison.Ordinal))?.Split(' ');
        if (run.ExitCode == 0 && started is { Length: >= 5 }
            && int.TryParse(started[1], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            && int.TryParse(started[2], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            var hostKeyLine = $"{started[3]} {started[4]}";
            var server = new RemoteSshServer(connection, remoteFolder, session.LocalFolder, port, pid, token, LoginThrough(host, session, port));
            try
            {
                WriteKnownHosts(session.LocalFolder, port, hostKeyLine);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                server.Dispose();
                throw new DevEnvironmentServerException($"the known_hosts of the dev environment's SSH server could not be written in {session.LocalFolder}: {e.Message}");
            }

            return server;
        }

        throw new DevEnvironmentServerException(Failure(connection, run, lines, program));
    }

    /// <summary>The login: the machine's user and key, the server's port on the machine's loopback, reached through the machine.</summary>
    private static SshHost LoginThrough(SshHost host, DevEnvironmentSession session, int port) =>
        new(session.Alias, host.User, DevEnvironmentSshd.LoopbackAddress, port, host.IdentityFile)
        {
            KnownHostsFile = Path.Combine(session.LocalFolder, "known_hosts"),
            Through = host,
        };

    private static void WriteKnownHosts(string folder, int port, string hostKeyLine)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        File.WriteAllText(Path.Combine(folder, "known_hosts"), $"[{DevEnvironmentSshd.LoopbackAddress}]:{port.ToString(CultureInfo.InvariantCulture)} {hostKeyLine}\n");
    }

    private static string Failure(SshConnection connection, ProgramRun run, string[] lines, string program)
    {
        var host = connection.Host;
        if (run.ExitCode == SshFailure.SshError || run.TimedOut || run.NotStarted is not null)
        {
            return $"{host.Name} did not answer: {connection.Describe(run, CommandLimit).Message}";
        }

        var said = lines.FirstOrDefault(l => l.StartsWith("dstack-", StringComparison.Ordinal)) ?? string.Join(' ', run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(2));
        if (run.ExitCode == MissingCode)
        {
            if (said.StartsWith("dstack-missing sshd", StringComparison.Ordinal))
            {
                return $"{host.Name} has no OpenSSH server at {program}; install it there (Debian/Ubuntu: sudo apt-get install openssh-server; the service itself need not run)";
            }

            if (said.StartsWith("dstack-missing ssh-keygen", StringComparison.Ordinal))
            {
                return $"{host.Name} has no ssh-keygen; install OpenSSH's client there (Debian/Ubuntu: sudo apt-get install openssh-client)";
            }

            return $"dstack logs in to {host.Name} without a key file of its own and ~/.ssh/authorized_keys there is empty or unreadable, so the server would let nobody in; set identity_file for the host (dstack pool add-ssh -i KEY)";
        }

        return $"the SSH server did not start on {host.Name}: {(said.StartsWith("dstack-failed ", StringComparison.Ordinal) ? said["dstack-failed ".Length..] : said.Length > 0 ? said : $"the start script exited with code {run.ExitCode}")}";
    }

    /// <summary>
    /// The script (for <c>sh -s</c> on the machine) that writes the server's files, finds a free port (one that
    /// <c>/proc/net/tcp</c> does not list; up to 5 tries, as a port can be taken meanwhile), starts sshd detached from
    /// the SSH session (<c>setsid</c>), with a minimal environment and the job's token, and prints
    /// <c>dstack-sshd PORT PID KEYTYPE KEY</c> once it listens. Nothing of a server that did not start is left.
    /// </summary>
    internal static string StartScript(string folder, string? authorizedKey, string user, DevEnvironmentSession session, string? token, string program)
    {
        var q = (Func<string, string>)ShellQuote.Quote;
        var environmentFile = Path.Combine(folder, "environment");
        var script = new StringBuilder();
        void Line(string text) => script.Append(text).Append('\n');
        Line($"d={q(folder)}; p={q(program)}");
        Line($"[ -x \"$p\" ] || {{ echo \"dstack-missing sshd\"; exit {MissingCode}; }}");
        Line($"command -v ssh-keygen >/dev/null 2>&1 || {{ echo dstack-missing ssh-keygen; exit {MissingCode}; }}");
        Line("umask 077");
        Line("rm -rf \"$d\" && mkdir -p \"$d\" && cd \"$d\" || { echo \"dstack-failed $d could not be made\"; exit 91; }");
        Line("fail() { echo \"dstack-failed $1\"; cd /; rm -rf \"$d\"; exit $2; }");
        Line("ssh-keygen -q -t ed25519 -N '' -C dstack-dev-environment -f host_key </dev/null >/dev/null 2>keygen.err || fail \"ssh-keygen: $(head -c 300 keygen.err)\" 91");
        Line(authorizedKey is { } key
            ? $"printf '%s\\n' {q(key.Trim())} > authorized_keys"
            : $"{{ cat \"$HOME/.ssh/authorized_keys\" > authorized_keys && [ -s authorized_keys ]; }} 2>/dev/null || {{ cd /; rm -rf \"$d\"; echo dstack-missing authorized_keys; exit {MissingCode}; }}");
        Line($"printf '%s' {q(DevEnvironmentSshd.EnvironmentFile(session.Environment))} > environment");
        Line($"printf '%s' {q(DevEnvironmentSshd.SessionScript(environmentFile, session.WorkingFolder, session.Container))} > session.sh");
        Line($"printf '%s' {q(DevEnvironmentSshd.Config(folder, null, user))} > sshd_config");
        Line("if [ \"$(id -u)\" = 0 ]; then mkdir -p /run/sshd; fi");
        var marker = token is null ? string.Empty : $" {q($"{JobProcess.TokenVariable}={token}")}";
        Line("for try in 1 2 3 4 5; do");
        Line("  n=$(od -An -N2 -tu2 /dev/urandom | tr -d ' \\n'); port=$((20000 + n % 40000)); hex=$(printf '%04X' \"$port\")");
        Line("  if grep -q \":$hex \" /proc/net/tcp /proc/net/tcp6 2>/dev/null; then continue; fi");
        Line($"  env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin{marker} setsid \"$p\" -D -f \"$d/sshd_config\" -E \"$d/sshd.log\" -p \"$port\" </dev/null >/dev/null 2>&1 &");
        Line("  pid=$!; i=0");
        Line("  while [ $i -lt 200 ] && kill -0 \"$pid\" 2>/dev/null; do");
        Line("    if grep -q \"0100007F:$hex 00000000:0000 0A\" /proc/net/tcp; then echo \"dstack-sshd $port $pid $(cut -d' ' -f1,2 host_key.pub)\"; exit 0; fi");
        Line("    sleep 0.05; i=$((i+1))");
        Line("  done");
        Line("  kill \"$pid\" 2>/dev/null");
        Line("done");
        Line("fail \"sshd did not start: $(tail -n 3 sshd.log 2>/dev/null | tr '\\n' ' ')\" 92");
        return script.ToString();
    }

    /// <summary>
    /// The command that ends the server (by its pid, when that process is still an sshd), every session (every process
    /// carrying the job's token: the session script loaded it) and removes its folder on the machine.
    /// </summary>
    internal static string StopCommand(string folder, int pid, string? token)
    {
        var id = pid.ToString(CultureInfo.InvariantCulture);
        var stop = $"case \"$(cat /proc/{id}/comm 2>/dev/null)\" in sshd*) kill -TERM {id} 2>/dev/null;; esac";
        var sessions = token is null ? "true" : RemoteJobFolder.SignalMarkedCommand(Signals.Kill, token);
        return $"{stop}; {sessions}; rm -rf {ShellQuote.Quote(folder)}; true";
    }

    /// <summary>Ends the server and every session on the machine, and removes its files there and here.</summary>
    public void Dispose()
    {
        try
        {
            _connection.Run(StopCommand(RemoteFolder, Pid, _token), null, CommandLimit);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or ObjectDisposedException)
        {
            // The machine is not reachable from here any more: its job's clean-up (by the token) ends the server.
        }

        try
        {
            if (Directory.Exists(LocalFolder))
            {
                Directory.Delete(LocalFolder, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the folder holds only a known_hosts line.
        }
    }
}
