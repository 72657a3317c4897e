using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace Dstack.Runtime.Tests.Ssh;

/// <summary>The commands behind <see cref="NetnsHosts"/>: ip, kill, ssh-keygen, and the choice of names and subnet.</summary>
public sealed partial class NetnsHosts
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(10);

    /// <summary>At least this long, after a command exited, its output is read to the end (a busy machine is slow to deliver it).</summary>
    private static readonly TimeSpan OutputGrace = TimeSpan.FromSeconds(10);

    /// <summary>One path for every test run on the machine, whatever its TMPDIR.</summary>
    private static readonly string LockPath = Path.Combine("/tmp", "dsk-netns.lock");

    /// <summary>The suffixes of this process's fixtures that are not disposed yet.</summary>
    private static readonly HashSet<string> Live = [];

    private static int _fixtures;
    private static readonly Lazy<string?> Unavailable = new(ProbeUnavailableReason);

    /// <summary>Words <c>ip route</c> writes before a route's prefix.</summary>
    private static readonly HashSet<string> RouteTypes = ["unicast", "local", "broadcast", "multicast", "anycast", "unreachable", "blackhole", "prohibit", "throw", "nat"];

    /// <summary>
    /// Null where this machine can build <see cref="NetnsHosts"/>; otherwise why not (not root, no <c>ip</c>, no
    /// sshd, or what <c>ip</c> said), for a skipped test to show. Found once per process, by making and deleting a
    /// probe namespace and bridge.
    /// </summary>
    public static string? UnavailableReason() => Unavailable.Value;

    private static string? ProbeUnavailableReason()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "network namespaces need Linux";
        }

        if (!File.Exists(Sshd))
        {
            return $"no sshd at {Sshd}: install Debian's openssh-server";
        }

        var root = Environment.IsPrivilegedProcess ? string.Empty : $"not root (user {Environment.UserName}): ip netns and bridges need CAP_SYS_ADMIN and CAP_NET_ADMIN; ";
        var probe = "dsk-probe-" + RunId;
        try
        {
            // This run's names: one left by a crashed run that had this pid goes first.
            Run("ip", ["netns", "del", probe], CommandTimeout);
            Run("ip", ["link", "del", "dskprb" + RunId], CommandTimeout);
            var made = Run("ip", ["netns", "add", probe], CommandTimeout);
            if (made.ExitCode != 0)
            {
                return $"{root}ip netns add {probe} failed: {made.Output.Trim()}";
            }

            var bridge = "dskprb" + RunId;
            var bridged = Run("ip", ["link", "add", bridge, "type", "bridge"], CommandTimeout);
            Run("ip", ["link", "del", bridge], CommandTimeout);
            return bridged.ExitCode == 0 ? null : $"{root}ip link add {bridge} type bridge failed: {bridged.Output.Trim()}";
        }
        catch (Win32Exception e)
        {
            return $"the ip command did not start ({e.Message}): install iproute2";
        }
        finally
        {
            try
            {
                Run("ip", ["netns", "del", probe], CommandTimeout);
            }
            catch (Win32Exception)
            {
                // No ip: nothing was made.
            }
        }
    }

    /// <summary>
    /// Makes the bridge with .1 of a 10.231.X.0/24 that no route of this machine overlaps, and returns the fixture's
    /// name suffix and X. The suffix is <see cref="RunId"/> (this process) and a counter, so no other test run on the
    /// machine makes the same names; what this run's names left behind (a fixture whose Dispose failed, or a crashed
    /// run that had this pid) is removed first. Other fixtures, in this process or another, choose a subnet at the
    /// same time: a lock file, at one path for every run whatever its TMPDIR, makes choose-then-take one step.
    /// </summary>
    private (string Suffix, int Subnet) CreateBridge()
    {
        var suffix = RunId + Base36(Interlocked.Increment(ref _fixtures) % (36 * 36), 2);
        lock (Live)
        {
            Live.Add(suffix);
        }

        _suffix = suffix;
        using var choosing = LockFile(LockPath);
        RemoveLeftovers();
        var subnet = FreeSubnet();
        _bridge = "dskbr" + suffix;
        Ip("link", "add", _bridge, "address", Mac(subnet, 1), "type", "bridge");
        Ip("addr", "add", Address(subnet, 1) + "/24", "dev", _bridge);
        Ip("link", "set", _bridge, "up");
        return (suffix, subnet);
    }

    /// <summary>
    /// Deletes the namespaces (with their processes), links and bridges named with this run's <see cref="RunId"/>
    /// whose fixture is not alive in this process. Names of other runs are never touched.
    /// </summary>
    private static void RemoveLeftovers()
    {
        string[] live;
        lock (Live)
        {
            live = [.. Live];
        }

        bool Left(string name, string prefix) =>
            name.StartsWith(prefix + RunId, StringComparison.Ordinal) && name.Length >= prefix.Length + SuffixLength
            && !live.Contains(name.Substring(prefix.Length, SuffixLength));

        var namespaces = Directory.Exists("/run/netns") ? Directory.GetFiles("/run/netns").Select(Path.GetFileName).OfType<string>() : [];
        foreach (var name in namespaces.Where(n => Left(n, "dsk-")))
        {
            BestEffort(() => KillEverything(name));
            BestEffort(() => Run("ip", ["netns", "del", name], CommandTimeout));
        }

        var links = Directory.GetDirectories("/sys/class/net").Select(Path.GetFileName).OfType<string>().ToList();
        foreach (var link in links.Where(l => Left(l, "dskv")).Concat(links.Where(l => Left(l, "dskbr"))))
        {
            BestEffort(() => Run("ip", ["link", "del", link], CommandTimeout));
        }
    }

    private static int FreeSubnet()
    {
        var routes = Ip("-4", "route", "show", "table", "all").Split('\n')
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipWhile(RouteTypes.Contains).FirstOrDefault())
            .Where(prefix => prefix is not null && prefix != "default")
            .Select(prefix => Prefix.Parse(prefix!))
            .ToList();
        var thirds = Enumerable.Range(1, 250).ToArray();
        Random.Shared.Shuffle(thirds);
        foreach (var third in thirds)
        {
            var candidate = new Prefix((10u << 24) | (231u << 16) | ((uint)third << 8), 24);
            if (!routes.Any(candidate.Overlaps))
            {
                return third;
            }
        }

        throw new InvalidOperationException("every 10.231.X.0/24 overlaps a route of this machine (ip -4 route show table all); remove leftover dskbr bridges");
    }

    /// <summary>
    /// Every address on the bridge gets a permanent neighbour entry, in the root namespace and in every host, so that a
    /// cut link is silence: packets are sent and lost, and nobody ever hears "No route to host" because ARP gave up.
    /// </summary>
    private void AddNeighbours(int subnet)
    {
        var everyone = Enumerable.Range(0, _hosts.Count + 1).Select(n => (Address: Address(subnet, n + 1), Mac: Mac(subnet, n + 1))).ToList();
        foreach (var host in _hosts)
        {
            Ip("neigh", "replace", host.Address, "lladdr", Mac(subnet, int.Parse(host.Address.Split('.')[3], CultureInfo.InvariantCulture)), "dev", Bridge, "nud", "permanent");
            foreach (var (address, mac) in everyone.Where(other => other.Address != host.Address))
            {
                Ip("-n", host.Namespace, "neigh", "replace", address, "lladdr", mac, "dev", "eth0", "nud", "permanent");
            }
        }
    }

    /// <summary>.<paramref name="last"/> of 10.231.<paramref name="subnet"/>.0/24: .1 is the root namespace, .2 on the hosts.</summary>
    private static string Address(int subnet, int last) => $"10.231.{subnet}.{last}";

    /// <summary>A locally administered MAC made of the address, so neighbour entries need not ask the interfaces.</summary>
    private static string Mac(int subnet, int last) => $"02:00:0a:e7:{subnet:x2}:{last:x2}";

    private static FileStream LockFile(string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                // FileShare.None takes an exclusive flock on Linux, which other processes see too.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }
        }
    }

    /// <summary>SIGKILLs the namespace's processes until none is left or 5 seconds pass; returns those left.</summary>
    private static List<int> KillEverything(string name)
    {
        var deadline = DateTime.UtcNow + KillTimeout;
        while (true)
        {
            var listed = Run("ip", ["netns", "pids", name], CommandTimeout);
            if (listed.ExitCode != 0)
            {
                throw new InvalidOperationException($"ip netns pids {name} failed: {listed.Output.Trim()}");
            }

            var pids = listed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(pid => int.Parse(pid, CultureInfo.InvariantCulture))
                .ToList();
            if (pids.Count == 0 || DateTime.UtcNow >= deadline)
            {
                return pids;
            }

            foreach (var pid in pids)
            {
                try
                {
                    using var process = Process.GetProcessById(pid);
                    process.Kill();
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or Win32Exception)
                {
                    // Gone already, or going.
                }
            }

            Thread.Sleep(20);
        }
    }

    private static string Ip(params string[] arguments)
    {
        var result = Run("ip", arguments, CommandTimeout);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', arguments)} failed with code {result.ExitCode}: {result.Output.Trim()}");
        }

        return result.Output;
    }

    internal static string NewKey(string folder, string name)
    {
        var path = Path.Combine(folder, name);
        var made = Run("ssh-keygen", ["-q", "-t", "ed25519", "-N", string.Empty, "-f", path], TimeSpan.FromSeconds(30));
        if (made.ExitCode != 0)
        {
            throw new InvalidOperationException($"ssh-keygen could not make {path}: {made.Output.Trim()}");
        }

        return path;
    }

    /// <summary>
    /// Runs a command with stdin empty; stdout then stderr; exit code 124 when it ran past the timeout and was killed.
    /// Both streams are read to their end on threads of their own, not the thread pool's, so a busy pool cannot cut the
    /// output short; a background child that keeps them open is waited for until the timeout (at least
    /// <see cref="OutputGrace"/> after the exit), and then what came is returned.
    /// </summary>
    internal static (int ExitCode, string Output) Run(string file, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        process.StandardInput.Close();
        var stdout = new StreamText(process.StandardOutput);
        var stderr = new StreamText(process.StandardError);
        var exited = process.WaitForExit(timeout);
        if (!exited)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited meanwhile.
            }

            process.WaitForExit(TimeSpan.FromSeconds(2));
        }

        var reading = timeout - clock.Elapsed > OutputGrace ? timeout - clock.Elapsed : OutputGrace;
        var deadline = clock.Elapsed + reading;
        stdout.WaitForEnd(reading);
        stderr.WaitForEnd(deadline - clock.Elapsed);
        var output = stdout.Text + stderr.Text;
        return exited
            ? (process.ExitCode, output)
            : (124, output + $"{file} was killed after {timeout.TotalSeconds} seconds{Environment.NewLine}");
    }

    /// <summary><paramref name="value"/> in digits 0-9a-z, <paramref name="width"/> of them (zeros in front).</summary>
    private static string Base36(int value, int width)
    {
        const string Digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        var text = new char[width];
        for (var i = width - 1; i >= 0; i--)
        {
            text[i] = Digits[value % 36];
            value /= 36;
        }

        return new string(text);
    }

    /// <summary>An IPv4 prefix, as <c>ip route</c> writes it (a bare address is a /32).</summary>
    private readonly record struct Prefix(uint Address, int Length)
    {
        public static Prefix Parse(string text)
        {
            var slash = text.IndexOf('/', StringComparison.Ordinal);
            var address = System.Net.IPAddress.Parse(slash < 0 ? text : text[..slash]).GetAddressBytes();
            var length = slash < 0 ? 32 : int.Parse(text[(slash + 1)..], CultureInfo.InvariantCulture);
            return new Prefix((uint)(address[0] << 24 | address[1] << 16 | address[2] << 8 | address[3]), length);
        }

        public bool Overlaps(Prefix other)
        {
            var shorter = Math.Min(Length, other.Length);
            var mask = shorter == 0 ? 0u : uint.MaxValue << (32 - shorter);
            return (Address & mask) == (other.Address & mask);
        }
    }
}
