namespace Dstack.Runtime.Tests.Ssh;

/// <summary>
/// What keeps <see cref="NetnsHosts"/> deterministic on a busy machine and beside other test runs: a command's whole
/// output however late it comes, names of this run only, and leftovers of this run (never of another) removed.
/// </summary>
public sealed class NetnsHostsIsolationTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [NetnsFact]
    public void RunInHost_OutputComesAfterTheCommandExits_IsReadToTheEnd()
    {
        using var hosts = new NetnsHosts(1);

        // On a busy machine a command's output can reach the test seconds after its exit; here a background child
        // holds the pipes and writes last, 3 seconds later.
        var result = hosts.RunInHost(0, "echo first; (sleep 3; echo last; echo err >&2) &");

        Assert.Equal((0, "first\nlast\nerr\n"), result);
    }

    [NetnsFact]
    public void Names_TwoFixtures_CarryThisRunsIdAndDiffer()
    {
        using var first = new NetnsHosts(1);
        using var second = new NetnsHosts(1);

        var names = new[] { first, second }.Select(h => h.Hosts[0].Namespace).ToList();
        Assert.All(names, name => Assert.Matches($"^dsk-{NetnsHosts.RunId}[0-9a-z]{{2}}-0$", name));
        Assert.NotEqual(names[0], names[1]);
        Assert.All([first.Bridge, second.Bridge], bridge => Assert.StartsWith("dskbr" + NetnsHosts.RunId, bridge, StringComparison.Ordinal));
        Assert.All([first.Bridge, second.Bridge], bridge => Assert.True(Directory.Exists($"/sys/class/net/{bridge}"), bridge));
        Assert.NotEqual(first.RootAddress, second.RootAddress);
    }

    [NetnsFact]
    public void Constructor_LeftoversOfThisRun_AreRemoved_AnotherRunsAreKept()
    {
        // "zzzzz" is no process id (above Linux's largest pid_max), so no live run owns these names.
        var ours = (Namespace: $"dsk-{NetnsHosts.RunId}zz-0", Bridge: $"dskbr{NetnsHosts.RunId}zz");
        var theirs = (Namespace: "dsk-zzzzzzz-0", Bridge: "dskbrzzzzzzz");
        try
        {
            foreach (var (name, bridge) in new[] { ours, theirs })
            {
                Assert.Equal(0, Command("ip", "netns", "add", name).ExitCode);
                Assert.Equal(0, Command("ip", "link", "add", bridge, "type", "bridge").ExitCode);
            }

            using var hosts = new NetnsHosts(1);

            Assert.False(File.Exists($"/run/netns/{ours.Namespace}"), ours.Namespace);
            Assert.False(Directory.Exists($"/sys/class/net/{ours.Bridge}"), ours.Bridge);
            Assert.True(File.Exists($"/run/netns/{theirs.Namespace}"), theirs.Namespace);
            Assert.True(Directory.Exists($"/sys/class/net/{theirs.Bridge}"), theirs.Bridge);
        }
        finally
        {
            foreach (var (name, bridge) in new[] { ours, theirs })
            {
                Command("ip", "netns", "del", name);
                Command("ip", "link", "del", bridge);
            }
        }
    }

    private static (int ExitCode, string Output) Command(string file, params string[] arguments)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var output = new StreamText(process.StandardOutput);
        var error = new StreamText(process.StandardError);
        Assert.True(process.WaitForExit(Bound), $"{file} {string.Join(' ', arguments)} ran past {Bound.TotalSeconds} seconds");
        output.WaitForEnd(Bound);
        error.WaitForEnd(Bound);
        return (process.ExitCode, output.Text + error.Text);
    }
}
