using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Dstack.Runtime.Tests.Ssh;

/// <summary>
/// Several SSH hosts on one machine: each host is a Linux network namespace joined to a bridge in the root namespace
/// by a veth pair, with its own real sshd (Debian's openssh-server) on its own address, port 22. The root namespace
/// (the test) and every host reach every host directly; the same client key logs in everywhere. A link can be cut
/// for real (<see cref="CutLink"/>) and a whole host killed (<see cref="KillHost"/>). Needs root: tests use
/// <see cref="NetnsFactAttribute"/>, which skips, with <see cref="UnavailableReason"/> shown, where that is missing.
/// Disposing removes the namespaces, links, bridge and folder, also after a half-built start.
/// </summary>
public sealed partial class NetnsHosts : IDisposable
{
    public const string Sshd = "/usr/sbin/sshd";

    public const int SshPort = 22;

    /// <summary>The length of a fixture's name suffix: <see cref="RunId"/> and a two-digit counter.</summary>
    internal const int SuffixLength = 7;

    /// <summary>
    /// This test run's part of every name (namespaces <c>dsk-SUFFIX-N</c>, links <c>dskvSUFFIXN</c>, bridge
    /// <c>dskbrSUFFIX</c>): the process id in five base-36 digits, so that two runs on one machine never pick the same
    /// names, and a veth name stays within Linux's 15 characters.
    /// </summary>
    internal static readonly string RunId = Base36(Environment.ProcessId, 5);

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(5);

    private readonly List<string> _namespaces = [];
    private readonly List<string> _links = [];
    private readonly List<Server> _servers = [];
    private readonly List<NetnsHost> _hosts = [];
    private readonly string _sshd;
    private string? _bridge;
    private string? _suffix;
    private bool _disposed;

    /// <summary>Builds <paramref name="count"/> hosts and waits (at most 10 seconds each) until every sshd accepts TCP.</summary>
    public NetnsHosts(int count = 2)
        : this(count, Sshd)
    {
    }

    /// <summary>With another sshd program: tests give one that fails, to see a half-built fixture cleaned up.</summary>
    internal NetnsHosts(int count, string sshd)
    {
        _sshd = sshd;
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 200);

        // Short: dstack's ControlMaster sockets live under it, and socket paths are limited to 107 characters.
        Folder = Path.Combine("/tmp", "dsk-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Folder);
        try
        {
            ClientKey = NewKey(Folder, "client_key");
            File.Copy(ClientKey + ".pub", AuthorizedKeys);
            var (suffix, subnet) = CreateBridge();
            RootAddress = Address(subnet, 1);
            for (var i = 0; i < count; i++)
            {
                AddHost(suffix, i, subnet);
            }

            AddNeighbours(subnet);

            // sshd checks that its privilege separation folder exists even when it runs as one user.
            Directory.CreateDirectory("/run/sshd");
            for (var i = 0; i < count; i++)
            {
                _servers.Add(StartSshd(i));
            }

            for (var i = 0; i < count; i++)
            {
                WaitUntilListening(i);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public IReadOnlyList<NetnsHost> Hosts => _hosts;

    /// <summary>The private key every host accepts (<c>ssh -i</c>).</summary>
    public string ClientKey { get; }

    /// <summary>The fixture's short folder under /tmp: keys, sshd configs, and <see cref="DstackHome"/>.</summary>
    public string Folder { get; }

    /// <summary>A fresh $DSTACK_HOME for the test.</summary>
    public string DstackHome => Path.Combine(Folder, "home");

    /// <summary>The user every host lets in: the one running the tests (root, since namespaces need it).</summary>
    public static string User => Environment.UserName;

    /// <summary>The root namespace's address on the bridge (.1), which the hosts can reach.</summary>
    public string RootAddress { get; }

    /// <summary>The bridge's interface name in the root namespace.</summary>
    public string Bridge => _bridge!;

    private string AuthorizedKeys => Path.Combine(Folder, "authorized_keys");

    /// <summary>
    /// Lets <paramref name="publicKeyLine"/> (an OpenSSH public key line) log in to host <paramref name="i"/> only, as
    /// <see cref="User"/>, besides <see cref="ClientKey"/>: sshd reads the host's own authorized_keys at each login.
    /// </summary>
    public void AuthorizeKey(int i, string publicKeyLine)
    {
        CheckIndex(i);
        File.AppendAllText(HostAuthorizedKeys(i), publicKeyLine.Trim() + "\n");
    }

    /// <summary>
    /// Sets host <paramref name="i"/>'s root-side link down: its packets are dropped, so open TCP connections hang
    /// and new ones time out (neighbours are permanent: no "No route to host" after 3 seconds of ARP), while
    /// everything on the host keeps running.
    /// </summary>
    public void CutLink(int i)
    {
        CheckIndex(i);
        Ip("link", "set", _links[i], "down");
    }

    /// <summary>Sets host <paramref name="i"/>'s link up again and waits (at most 5 seconds) until the bridge forwards on it.</summary>
    public void RestoreLink(int i)
    {
        CheckIndex(i);
        Ip("link", "set", _links[i], "up");
        var state = $"/sys/class/net/{_links[i]}/brport/state";
        var operstate = $"/sys/class/net/{_links[i]}/operstate";
        var deadline = DateTime.UtcNow + KillTimeout;
        while (DateTime.UtcNow < deadline)
        {
            // 3 is BR_STATE_FORWARDING.
            if (File.ReadAllText(state).Trim() == "3" && File.ReadAllText(operstate).Trim() == "up")
            {
                return;
            }

            Thread.Sleep(20);
        }

        throw new InvalidOperationException($"{_links[i]} is not forwarding 5 seconds after ip link set up: state {File.ReadAllText(state).Trim()}, operstate {File.ReadAllText(operstate).Trim()}");
    }

    /// <summary>
    /// Kills (SIGKILL) every process in host <paramref name="i"/>'s namespace: its sshd, the sessions, and whatever
    /// was started through them. Waits (at most 5 seconds) until none is left. The network stays as it was.
    /// </summary>
    public void KillHost(int i)
    {
        CheckIndex(i);
        var left = KillEverything(_hosts[i].Namespace);
        if (left.Count > 0)
        {
            throw new InvalidOperationException($"processes {string.Join(' ', left)} are still in {_hosts[i].Namespace} 5 seconds after kill -9");
        }
    }

    /// <summary>
    /// Runs <paramref name="shellCommand"/> with bash inside host <paramref name="i"/>'s namespace, as the test's user,
    /// stdin empty. The output is stdout then stderr; after <paramref name="timeout"/> (30 seconds unless given) the
    /// command is killed and the exit code is 124.
    /// </summary>
    public (int ExitCode, string Output) RunInHost(int i, string shellCommand, TimeSpan? timeout = null)
    {
        CheckIndex(i);
        return Run("ip", ["netns", "exec", _hosts[i].Namespace, "bash", "-c", shellCommand], timeout ?? TimeSpan.FromSeconds(30));
    }

    /// <summary>What sshd of host <paramref name="i"/> wrote to stderr so far (LogLevel ERROR), for failure messages.</summary>
    public string SshdErrors(int i)
    {
        CheckIndex(i);
        return _servers.Count > i ? _servers[i].Errors : string.Empty;
    }

    /// <summary>Removes everything the fixture made, best effort step by step; never throws.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var name in _namespaces)
        {
            BestEffort(() => KillEverything(name));
        }

        foreach (var server in _servers)
        {
            BestEffort(server.Dispose);
        }

        // Deleting the namespace frees its end of a veth pair only later, in the kernel's own time; deleting the
        // root end removes both now.
        foreach (var link in _links)
        {
            BestEffort(() => Run("ip", ["link", "del", link], CommandTimeout));
        }

        foreach (var name in _namespaces)
        {
            BestEffort(() => Run("ip", ["netns", "del", name], CommandTimeout));
        }

        if (_bridge is not null)
        {
            BestEffort(() => Run("ip", ["link", "del", _bridge], CommandTimeout));
        }

        BestEffort(() => Directory.Delete(Folder, recursive: true));
        lock (Live)
        {
            // Whatever is still left under the suffix is now a leftover, for the next fixture to remove.
            Live.Remove(_suffix ?? string.Empty);
        }
    }

    private void AddHost(string suffix, int i, int subnet)
    {
        var address = Address(subnet, i + 2);
        var name = $"dsk-{suffix}-{i}";
        var link = $"dskv{suffix}{i}";

        // Recorded before each step, so that a step that fails half way is still cleaned up.
        _namespaces.Add(name);
        Ip("netns", "add", name);
        _links.Add(link);
        Ip("link", "add", link, "type", "veth", "peer", "name", "eth0", "address", Mac(subnet, i + 2), "netns", name);
        Ip("link", "set", link, "master", _bridge!, "up");
        Ip("-n", name, "addr", "add", address + "/24", "dev", "eth0");
        Ip("-n", name, "link", "set", "eth0", "up");
        Ip("-n", name, "link", "set", "lo", "up");
        _hosts.Add(new NetnsHost(address, name, SshPort));
    }

    /// <summary>Host <paramref name="i"/>'s own authorized_keys, absent until <see cref="AuthorizeKey"/> writes it.</summary>
    private string HostAuthorizedKeys(int i) => Path.Combine(Folder, "host" + i, "authorized_keys");

    private Server StartSshd(int i)
    {
        var host = _hosts[i];
        var folder = Path.Combine(Folder, "host" + i);
        Directory.CreateDirectory(folder);
        var hostKey = NewKey(folder, "host_key");
        var config = Path.Combine(folder, "sshd_config");
        File.WriteAllLines(config,
        [
            $"Port {host.Port}",
            $"ListenAddress {host.Address}",
            "ListenAddress 127.0.0.1",
            $"HostKey {hostKey}",
            $"PidFile {Path.Combine(folder, "sshd.pid")}",
            $"AuthorizedKeysFile {AuthorizedKeys} {HostAuthorizedKeys(i)}",
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

        // ip netns exec execs sshd itself, so the process is sshd, in the host's namespace.
        return new Server(Process.Start(new ProcessStartInfo("ip", ["netns", "exec", host.Namespace, _sshd, "-D", "-e", "-f", config])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException($"{_sshd} did not start in {host.Namespace}"), config);
    }

    private void WaitUntilListening(int i)
    {
        var host = _hosts[i];
        var server = _servers[i];
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (server.Process.HasExited)
            {
                throw new InvalidOperationException($"{_sshd} in {host.Namespace} exited with code {server.Process.ExitCode} at start (config {server.Config}): {server.Errors}");
            }

            if (Accepts(host.Address, host.Port, TimeSpan.FromSeconds(1)))
            {
                return;
            }

            Thread.Sleep(50);
        }

        throw new InvalidOperationException($"{_sshd} in {host.Namespace} did not accept TCP on {host.Address}:{host.Port} within {StartTimeout.TotalSeconds} seconds (config {server.Config}): {server.Errors}");
    }

    private static bool Accepts(string address, int port, TimeSpan timeout)
    {
        using var client = new TcpClient();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            client.ConnectAsync(IPAddress.Parse(address), port, cancel.Token).AsTask().GetAwaiter().GetResult();
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private void CheckIndex(int i)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(i);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(i, _hosts.Count);
    }

    private static void BestEffort(Action step)
    {
        try
        {
            step();
        }
#pragma warning disable CA1031 // Dispose must go on to the next step whatever this one threw.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>A host's sshd and what it wrote to stderr.</summary>
    private sealed class Server : IDisposable
    {
        private readonly StringBuilder _errors = new();

        public Server(Process process, string config)
        {
            Process = process;
            Config = config;
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
        }

        public Process Process { get; }

        public string Config { get; }

        public string Errors
        {
            get
            {
                lock (_errors)
                {
                    return _errors.ToString();
                }
            }
        }

        public void Dispose()
        {
            try
            {
                if (!Process.HasExited)
                {
                    Process.Kill(entireProcessTree: true);
                    Process.WaitForExit(TimeSpan.FromSeconds(2));
                }
            }
            finally
            {
                Process.Dispose();
            }
        }

        private void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_errors)
            {
                _errors.AppendLine(line);
            }
        }
    }
}
