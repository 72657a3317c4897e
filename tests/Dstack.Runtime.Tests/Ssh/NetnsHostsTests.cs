using System.Diagnostics;

namespace Dstack.Runtime.Tests.Ssh;

/// <summary>The fixture itself, against real namespaces, links and sshd: hosts answer, links cut for real, kills kill, nothing is left.</summary>
public sealed class NetnsHostsTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [NetnsFact]
    public void Ssh_FromTheRootNamespace_LogsInToEveryHostInItsOwnNamespace()
    {
        using var hosts = new NetnsHosts(3);

        foreach (var host in hosts.Hosts)
        {
            var result = Ssh(hosts, host, "echo hi; ip -4 -o addr show dev eth0");

            Assert.True(result.ExitCode == 0, result.Output);
            Assert.StartsWith("hi\n", result.Output, StringComparison.Ordinal);
            Assert.Contains($" {host.Address}/24 ", result.Output, StringComparison.Ordinal);
            Assert.Equal(NetnsHosts.SshPort, host.Port);
        }

        Assert.Equal(3, hosts.Hosts.Select(h => h.Address).Distinct().Count());
        Assert.Equal(3, hosts.Hosts.Select(h => h.Namespace).Distinct().Count());
    }

    [NetnsFact]
    public void HostKeys_EveryHost_HasItsOwn()
    {
        using var hosts = new NetnsHosts(3);

        var keys = hosts.Hosts.Select(host =>
        {
            var scan = Run("ssh-keyscan", ["-T", "5", "-t", "ed25519", host.Address]);
            Assert.True(scan.ExitCode == 0, scan.Output);
            var line = scan.Output.Split('\n').Single(l => l.StartsWith(host.Address + " ssh-ed25519 ", StringComparison.Ordinal));
            return line.Split(' ')[2];
        }).ToList();

        Assert.Equal(3, keys.Distinct().Count());
    }

    [NetnsFact]
    public void Hosts_ReachEachOtherDirectly_OverTcpAndSsh()
    {
        using var hosts = new NetnsHosts();
        var other = hosts.Hosts[1];

        var tcp = hosts.RunInHost(0, $"exec 3<>/dev/tcp/{other.Address}/{other.Port} && head -c 7 <&3");
        var ssh = hosts.RunInHost(0, SshCommandLine(hosts, other, "ip -4 -o addr show dev eth0"));

        Assert.Equal((0, "SSH-2.0"), tcp);
        Assert.True(ssh.ExitCode == 0, ssh.Output);
        Assert.Contains($" {other.Address}/24 ", ssh.Output, StringComparison.Ordinal);
    }

    [NetnsFact]
    public void RunInHost_Command_RunsInTheNamespaceWithItsExitCodeAndOutput()
    {
        using var hosts = new NetnsHosts();

        var inside = hosts.RunInHost(1, "ip -4 -o addr show dev eth0");
        var failed = hosts.RunInHost(1, "echo out; echo err >&2; exit 3");
        var slow = hosts.RunInHost(1, "sleep 20", TimeSpan.FromSeconds(1));

        Assert.True(inside.ExitCode == 0, inside.Output);
        Assert.Contains($" {hosts.Hosts[1].Address}/24 ", inside.Output, StringComparison.Ordinal);
        Assert.Equal((3, "out\nerr\n"), failed);
        Assert.Equal(124, slow.ExitCode);
    }

    [NetnsFact]
    public void CutLink_NewConnectionsTimeOut_UntilRestoreLink()
    {
        using var hosts = new NetnsHosts();

        hosts.CutLink(0);
        // Longer than ARP's 3 seconds: a cut link is silence, not "No route to host".
        var cut = Ssh(hosts, hosts.Hosts[0], "true", connectTimeout: 4);
        var neighbour = Ssh(hosts, hosts.Hosts[1], "true", connectTimeout: 2);
        hosts.RestoreLink(0);
        var restored = Ssh(hosts, hosts.Hosts[0], "true", connectTimeout: 2);

        Assert.Equal(255, cut.ExitCode);
        Assert.Contains("timed out", cut.Output, StringComparison.Ordinal);
        Assert.True(cut.Elapsed >= TimeSpan.FromSeconds(3.5), $"a cut link failed after {cut.Elapsed} instead of hanging: {cut.Output}");
        Assert.True(neighbour.ExitCode == 0, neighbour.Output);
        Assert.True(restored.ExitCode == 0, restored.Output);
    }

    [NetnsFact]
    public void CutLink_OpenSession_HangsThenFinishesAfterRestoreLink()
    {
        using var hosts = new NetnsHosts();
        using var lines = new Lines();
        using var session = Start("ssh", SshArguments(hosts, hosts.Hosts[0], "for i in $(seq 1 10); do echo $i; sleep 0.3; done", connectTimeout: 5), lines);
        WaitFor(() => lines.Count >= 1, "first line");

        hosts.CutLink(0);
        var atCut = lines.Count;
        var exitedWhileCut = session.WaitForExit(TimeSpan.FromSeconds(4));
        var duringCut = lines.Count - atCut;
        hosts.RestoreLink(0);
        var exitedAfterRestore = session.WaitForExit(Bound) && lines.WaitForEnd(Bound);

        Assert.False(exitedWhileCut, $"the session ended ({lines}) while its link was down");
        Assert.True(duringCut <= 1, $"{duringCut} lines came over a cut link");
        Assert.True(exitedAfterRestore, "the session did not finish within 30 seconds of the link coming back");
        Assert.Equal(0, session.ExitCode);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), lines.Snapshot());
    }

    [NetnsFact]
    public void KillHost_KillsSshdSessionsAndJobs_AndNewConnectionsFail()
    {
        using var hosts = new NetnsHosts();
        var host = hosts.Hosts[1];
        var job = Ssh(hosts, host, "nohup sleep 300 >/dev/null 2>&1 & echo $!");
        Assert.True(job.ExitCode == 0, job.Output);
        Assert.Contains(job.Output.Trim(), Pids(host));

        hosts.KillHost(1);
        var after = Ssh(hosts, host, "true", connectTimeout: 2);
        var neighbour = Ssh(hosts, hosts.Hosts[0], "true");

        Assert.Empty(Pids(host));
        Assert.Equal(255, after.ExitCode);
        Assert.True(after.Elapsed < TimeSpan.FromSeconds(5), after.Elapsed.ToString());
        Assert.True(neighbour.ExitCode == 0, neighbour.Output);
    }

    [NetnsFact]
    public void Dispose_AfterCutAndKill_LeavesNoNamespaceLinkBridgeOrFolder()
    {
        var hosts = new NetnsHosts(3);
        var names = hosts.Hosts.Select(h => h.Namespace).ToList();
        var suffix = names[0].Split('-')[1];
        var links = Enumerable.Range(0, 3).Select(i => $"dskv{suffix}{i}").ToList();
        Assert.All(links, link => Assert.Contains(link, Run("ip", ["-br", "link"]).Output, StringComparison.Ordinal));
        hosts.CutLink(0);
        hosts.KillHost(2);

        hosts.Dispose();
        hosts.Dispose();

        var namespaces = Run("ip", ["netns", "list"]).Output;
        var interfaces = Run("ip", ["-br", "link"]).Output;
        Assert.All(names, name => Assert.DoesNotContain(name, namespaces, StringComparison.Ordinal));
        Assert.DoesNotContain(hosts.Bridge, interfaces, StringComparison.Ordinal);
        Assert.All(links, link => Assert.DoesNotContain(link, interfaces, StringComparison.Ordinal));
        Assert.DoesNotContain(hosts.RootAddress, Run("ip", ["-4", "route", "show", "table", "all"]).Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(hosts.Folder), hosts.Folder);
        Assert.Throws<ObjectDisposedException>(() => hosts.CutLink(0));
    }

    [NetnsFact]
    public void Constructor_SshdFailsToStart_ThrowsWithItsConfigAndLeavesNothing()
    {
        var failed = Assert.Throws<InvalidOperationException>(() => new NetnsHosts(2, "/bin/false"));

        // The message names the namespace (dsk-SUFFIX-0) and the config under the fixture's folder.
        var match = System.Text.RegularExpressions.Regex.Match(failed.Message, @"in dsk-([0-9a-z]{7})-0 exited with code 1 at start \(config (/tmp/dsk-[0-9a-f]{8})/host0/sshd_config\)");
        Assert.True(match.Success, failed.Message);
        var suffix = match.Groups[1].Value;
        Assert.DoesNotContain($"dsk-{suffix}-", Run("ip", ["netns", "list"]).Output, StringComparison.Ordinal);
        Assert.DoesNotContain(suffix, Run("ip", ["-br", "link"]).Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(match.Groups[2].Value), match.Groups[2].Value);
    }

    [Fact]
    public void Constructor_NoHosts_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new NetnsHosts(0));
    }

    private static List<string> Pids(NetnsHost host)
    {
        var listed = Run("ip", ["netns", "pids", host.Namespace]);
        Assert.True(listed.ExitCode == 0, listed.Output);
        return [.. listed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    private static List<string> SshArguments(NetnsHosts hosts, NetnsHost host, string command, int connectTimeout) =>
    [
        "-i", hosts.ClientKey, "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
        "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", $"ConnectTimeout={connectTimeout}",
        "-p", host.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{NetnsHosts.User}@{host.Address}", command,
    ];

    private static string SshCommandLine(NetnsHosts hosts, NetnsHost host, string command) =>
        "ssh " + string.Join(' ', SshArguments(hosts, host, command, connectTimeout: 5).Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));

    private static (int ExitCode, string Output, TimeSpan Elapsed) Ssh(NetnsHosts hosts, NetnsHost host, string command, int connectTimeout = 5)
    {
        var clock = Stopwatch.StartNew();
        var (exitCode, output) = Run("ssh", SshArguments(hosts, host, command, connectTimeout));
        return (exitCode, output, clock.Elapsed);
    }

    private static (int ExitCode, string Output) Run(string file, IReadOnlyList<string> arguments)
    {
        using var output = new Lines();
        using var process = Start(file, arguments, output);
        if (!process.WaitForExit(Bound))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', arguments)} ran past {Bound.TotalSeconds} seconds: {output}");
        }

        Assert.True(output.WaitForEnd(Bound), $"{file} exited but its output stayed open for {Bound.TotalSeconds} seconds");
        return (process.ExitCode, output.ToString());
    }

    /// <summary>Starts a command with stdin empty, collecting its stdout and stderr lines as they come.</summary>
    private static Process Start(string file, IReadOnlyList<string> arguments, Lines output)
    {
        var process = Process.Start(new ProcessStartInfo(file, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException($"{file} did not start");
        process.StandardInput.Close();
        Pump(process.StandardOutput, output);
        Pump(process.StandardError, output);
        return process;
    }

    /// <summary>Reads lines on a thread of its own (not the thread pool's, which a busy test process may hold up), then null at the end.</summary>
    private static void Pump(StreamReader reader, Lines output) => new Thread(() =>
    {
        try
        {
            while (reader.ReadLine() is { } line)
            {
                output.Add(line);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The process was disposed first.
        }
        finally
        {
            output.Add(null);
        }
    }) { IsBackground = true }.Start();

    private static void WaitFor(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"no {what} within {Bound.TotalSeconds} seconds");
            Thread.Sleep(20);
        }
    }

    /// <summary>The lines of a command's stdout and stderr, as they come; ended when both streams closed.</summary>
    private sealed class Lines : IDisposable
    {
        private readonly List<string> _lines = [];
        private readonly CountdownEvent _streamsOpen = new(2);

        public int Count
        {
            get
            {
                lock (_lines)
                {
                    return _lines.Count;
                }
            }
        }

        public List<string> Snapshot()
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }

        public void Add(string? line)
        {
            if (line is null)
            {
                try
                {
                    _streamsOpen.Signal();
                }
                catch (ObjectDisposedException)
                {
                    // The test gave up on the command and went on.
                }

                return;
            }

            lock (_lines)
            {
                _lines.Add(line);
            }
        }

        public bool WaitForEnd(TimeSpan timeout) => _streamsOpen.Wait(timeout);

        public override string ToString() => string.Concat(Snapshot().Select(line => line + "\n"));

        public void Dispose() => _streamsOpen.Dispose();
    }
}
