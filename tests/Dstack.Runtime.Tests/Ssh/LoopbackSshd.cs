using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dstack.Runtime.Ssh;

namespace Dstack.Runtime.Tests.Ssh;

/// <summary>
/// A real OpenSSH server (Debian's openssh-server) on 127.0.0.1 for tests, run as the current user with its own
/// host key and a client key made for the test. The folder holds everything, DSTACK_HOME included; disposing stops
/// the server and deletes it. Without sshd the tests fail with what to install: they never skip silently.
/// </summary>
public sealed class LoopbackSshd : IDisposable
{
    public const string Sshd = "/usr/sbin/sshd";

    private readonly int? _runsDiskKilobytes;
    private readonly bool _withoutDocker;
    private readonly bool _withoutSshd;
    private Process? _server;

    /// <param name="runsDiskKilobytes">
    /// When set, the server runs in a mount namespace of its own where the login user's <c>~/.dstack-runs</c> is a
    /// tmpfs of that size: a host whose disk fills up, without touching this machine's disk.
    /// </param>
    /// <param name="withoutDocker">
    /// When true, the server runs in a mount namespace of its own where <c>/var/run/docker.sock</c> is not a socket
    /// (<c>/dev/null</c> bound over it): a host without a Docker engine, while this machine keeps its own.
    /// </param>
    /// <param name="withoutSshd">
    /// When true, the server runs in a mount namespace of its own where <c>/usr/sbin/sshd</c> is an empty file that is
    /// not executable (bound over it): a host without OpenSSH's server for the programs its sessions start, while the
    /// server itself runs from a copy in <see cref="Folder"/> (<see cref="Program"/>; sshd re-executes itself by the
    /// path it was started with) and this machine keeps its own. Needs root (<see cref="PrivateMountFactAttribute"/>).
    /// </param>
    public LoopbackSshd(int? runsDiskKilobytes = null, bool withoutDocker = false, bool withoutSshd = false)
    {
        _runsDiskKilobytes = runsDiskKilobytes;
        _withoutDocker = withoutDocker;
        _withoutSshd = withoutSshd;
        if (!File.Exists(Sshd))
        {
            throw new InvalidOperationException(
                $"the SSH tests need a real sshd at {Sshd}: install Debian's openssh-server (as root: apt-get install -y openssh-server openssh-client; scripts/test.sh does it)");
        }

        // Short: dstack's ControlMaster sockets live under it, and socket paths are limited to 107 characters.
        Folder = Path.Combine("/tmp", "dsk-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Folder);
        HostKey = NewKey("host_key");
        ClientKey = NewKey("client_key");
        File.Copy(ClientKey + ".pub", Path.Combine(Folder, "authorized_keys"));
        Port = FreePort();
        Program = Sshd;
        if (withoutSshd)
        {
            Program = Path.Combine(Folder, "sbin", "sshd");
            Directory.CreateDirectory(Path.GetDirectoryName(Program)!);
            File.Copy(Sshd, Program);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(Program, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            }

            File.WriteAllBytes(Path.Combine(Folder, "no-sshd"), []);
        }

        Start(HostKey);
    }

    public string Folder { get; }

    /// <summary>The sshd program the server runs: <see cref="Sshd"/>, or its copy in <see cref="Folder"/> on a host without it.</summary>
    public string Program { get; }

    public int Port { get; }

    /// <summary>The private key the test logs in with (<c>-i</c>).</summary>
    public string ClientKey { get; }

    /// <summary>The server's private host key in use at first.</summary>
    public string HostKey { get; }

    /// <summary>A fresh $DSTACK_HOME for the test.</summary>
    public string DstackHome => Path.Combine(Folder, "home");

    public static string User => Environment.UserName;

    /// <summary>The pool host that logs in to this server with <see cref="ClientKey"/>.</summary>
    public SshHost Host(string name = "lo") => new(name, User, "127.0.0.1", Port, ClientKey);

    /// <summary>Starts the server again on the same port with the same host key, as a host that comes back after a reboot.</summary>
    public void Restart()
    {
        Stop();
        Start(HostKey);
    }

    /// <summary>The ids of running processes whose command line has <paramref name="argument"/> (from /proc; ssh clients left behind).</summary>
    public static IReadOnlyList<int> ProcessesWith(string argument) => ProcessesWhere(arguments => arguments.Contains(argument));

    /// <summary>
    /// The ids of running processes whose command line mentions <paramref name="text"/> anywhere: an sshd rewrites its
    /// own (<c>sshd: /usr/sbin/sshd -D -f CONFIG [listener]</c>, one string).
    /// </summary>
    public static IReadOnlyList<int> ProcessesMentioning(string text) => ProcessesWhere(arguments => arguments.Any(a => a.Contains(text, StringComparison.Ordinal)));

    private static List<int> ProcessesWhere(Func<string[], bool> matches)
    {
        var found = new List<int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var id))
            {
                continue;
            }

            try
            {
                var arguments = File.ReadAllText(Path.Combine(folder, "cmdline")).Split('\0');
                var state = File.ReadAllLines(Path.Combine(folder, "status")).FirstOrDefault(l => l.StartsWith("State:", StringComparison.Ordinal)) ?? string.Empty;
                if (matches(arguments) && !state.Contains("zombie", StringComparison.Ordinal))
                {
                    found.Add(id);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while it was read.
            }
        }

        return found;
    }

    /// <summary>Stops the server (and every session it serves) and starts it again on the same port with a new host key.</summary>
    public void RestartWithNewHostKey()
    {
        Stop();
        Start(NewKey("host_key_" + Guid.NewGuid().ToString("N")[..6]));
    }

    public void Stop()
    {
        if (_server is null)
        {
            return;
        }

        if (!_server.HasExited)
        {
            _server.Kill(entireProcessTree: true);
            _server.WaitForExit(10_000);
        }

        _server.Dispose();
        _server = null;
    }

    public void Dispose()
    {
        Stop();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder must not fail a test.
        }
    }

    /// <summary>A port nobody listens on (taken from the system, then released).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Start(string hostKey)
    {
        // sshd checks that its privilege separation folder exists even when it runs as one user.
        Directory.CreateDirectory("/run/sshd");
        var config = Path.Combine(Folder, "sshd_config");
        File.WriteAllLines(config,
        [
            $"Port {Port}",
            "ListenAddress 127.0.0.1",
            $"HostKey {hostKey}",
            $"PidFile {Path.Combine(Folder, "sshd.pid")}",
            $"AuthorizedKeysFile {Path.Combine(Folder, "authorized_keys")}",
            "StrictModes no",
            "UsePAM no",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PubkeyAuthentication yes",
            "PermitRootLogin prohibit-password",
            "LogLevel ERROR",

            // Sessions skip this machine's ~/.bashrc (bash reads it for ssh commands only at SHLVL 0): a developer's
            // or CI image's startup file (pyenv's rehash takes a lock, and waits 60 s for a stale one) must not make
            // every ssh command of a test slow. Real hosts run the user's startup files, as ssh always does.
            "SetEnv SHLVL=1",
        ]);
        var setup = new List<string>();
        if (_runsDiskKilobytes is { } size)
        {
            setup.Add($"mkdir -p \"$HOME/.dstack-runs\" && mount -t tmpfs -o size={size}k dstack-test \"$HOME/.dstack-runs\"");
        }

        if (_withoutDocker)
        {
            setup.Add("{ [ ! -e /var/run/docker.sock ] || mount --bind /dev/null /var/run/docker.sock; }");
        }

        if (_withoutSshd)
        {
            setup.Add($"mount --bind {Path.Combine(Folder, "no-sshd")} {Sshd}");
        }

        var start = setup.Count > 0
            ? new ProcessStartInfo("unshare", ["-m", "--propagation", "private", "sh", "-c", $"{string.Join(" && ", setup)} && exec {Program} -D -e -f {config}"])
            : new ProcessStartInfo(Program, ["-D", "-e", "-f", config]);
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        start.UseShellExecute = false;
        _server = Process.Start(start) ?? throw new InvalidOperationException($"{Program} did not start");
        _server.BeginErrorReadLine();
        _server.BeginOutputReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (_server.HasExited)
            {
                throw new InvalidOperationException($"{Program} exited with code {_server.ExitCode} at start; as root it needs only its config ({config}); run it by hand with -d to see why");
            }

            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        throw new InvalidOperationException($"{Program} did not listen on 127.0.0.1:{Port} within 15 seconds");
    }

    private string NewKey(string name)
    {
        var path = Path.Combine(Folder, name);
        using var keygen = Process.Start(new ProcessStartInfo("ssh-keygen", ["-q", "-t", "ed25519", "-N", string.Empty, "-f", path]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })
            ?? throw new InvalidOperationException("ssh-keygen did not start; install openssh-client");
        if (!keygen.WaitForExit(30_000) || keygen.ExitCode != 0)
        {
            throw new InvalidOperationException($"ssh-keygen could not make {path}: {keygen.StandardError.ReadToEnd()}");
        }

        return path;
    }
}
