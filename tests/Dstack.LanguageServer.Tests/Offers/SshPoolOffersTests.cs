using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dstack.LanguageServer.Offers;
using Dstack.LanguageServer.Tests.Support;
using Dstack.Runtime.Backends.Ssh;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;
using Dstack.Runtime.Tests.Ssh;

namespace Dstack.LanguageServer.Tests.Offers;

/// <summary>
/// The SSH pool's offers in the editor (<see cref="EditorOffers"/> over the runtime's SSH backend, with its
/// <see cref="ProbingSshPool"/>) against a real sshd on 127.0.0.1 (the host <c>lo</c>) and a port nobody listens on
/// (the host <c>down</c>): probed in the background, never on the request path.
/// </summary>
public sealed class SshPoolOffersTests : IDisposable
{
    private const string TaskFile = "type: task\ncommands: [a]\n";

    /// <summary>Longer than a probe may take, so a probe that hangs fails with its own message rather than this wait's.</summary>
    private static readonly TimeSpan ProbeWait = SshHostProbe.DefaultTimeout + TimeSpan.FromSeconds(10);

    private readonly LoopbackSshd _sshd = new();
    private readonly List<EditorOffers> _sources = [];

    public SshPoolOffersTests()
    {
        Home = new DstackHome(_sshd.DstackHome);
        Down = _sshd.Host("down") with { Port = LoopbackSshd.FreePort() };
    }

    private DstackHome Home { get; }

    private SshHost Down { get; }

    /// <summary>
    /// Waits for the probes still running before the server goes: killing a login half-way can leave its shell's
    /// start-up files in a state that slows the next logins on this machine (a lock file of a version manager, say).
    /// </summary>
    public void Dispose()
    {
        foreach (var source in _sources)
        {
            try
            {
                source.Refreshing.Wait(ProbeWait);
            }
            catch (AggregateException)
            {
            }
        }

        _sshd.Dispose();
    }

    [Fact]
    public async Task Candidates_ReachableAndUnreachableHost_TheRealCoresOfThisMachineAndTheReason()
    {
        Pool(_sshd.Host(), Down);
        var source = Source();

        var first = Hosts(source, TaskFile);
        await source.Refreshing.WaitAsync(ProbeWait);
        var later = Hosts(source, TaskFile);

        Assert.Equal([("lo", [SshBackend.ProbingText]), ("down", [SshBackend.ProbingText])], first.Select(c => (c.Offer.Instance, c.Unmet.ToArray())));
        Assert.All(first, c => Assert.Equal(OfferAvailability.Unknown, c.Offer.Availability));
        Assert.All(later, c => Assert.Equal(("ssh", 0m), (c.Offer.Backend, c.Offer.PricePerHour)));
        var lo = later[0];
        Assert.Equal("lo", lo.Offer.Instance);
        Assert.True(lo.Fits);
        Assert.Equal(OfferAvailability.Available, lo.Offer.Availability);
        Assert.Equal(Environment.ProcessorCount, lo.Offer.Resources.Cpus);
        var down = later[1];
        Assert.Equal("down", down.Offer.Instance);
        Assert.Equal(OfferAvailability.Unknown, down.Offer.Availability);
        var reason = Assert.Single(down.Unmet);
        Assert.StartsWith($"{DiagnosticCodes.HostUnreachable} down ({LoopbackSshd.User}@127.0.0.1:{Down.Port}) is unreachable: ", reason, StringComparison.Ordinal);
        Assert.Contains("Connection refused", reason, StringComparison.Ordinal);
        Assert.Equal("1 offer: lo (ssh), free", source.Summarize(Configuration(TaskFile + "backends: [ssh]\n"), null).Text);
    }

    [Fact]
    public async Task Candidates_GpuTheHostLacks_TheHostDoesNotFitAndSaysWhy()
    {
        Pool(_sshd.Host());
        var source = await ProbedAsync();

        var lo = Assert.Single(Hosts(source, TaskFile + "resources:\n  gpu: A100\n"));

        Assert.False(lo.Fits);
        Assert.Equal(Environment.ProcessorCount, lo.Offer.Resources.Cpus);
        Assert.Contains(lo.Unmet, u => u.StartsWith("gpu: needs 1xA100", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("backends: [local]\n", 0)]
    [InlineData("backends: [aws, local]\n", 0)]
    [InlineData("backends: [ssh]\n", 2)]
    [InlineData("backends: [remote]\n", 2)]
    [InlineData("", 2)]
    public void Candidates_BackendsFilter_AdmitsTheHostsAsThePlannerDoes(string backends, int hosts)
    {
        Pool(_sshd.Host(), Down);
        var source = Source();

        var candidates = Hosts(source, TaskFile + backends);

        Assert.Equal(hosts, candidates.Count);
        if (hosts == 0)
        {
            Assert.True(source.Refreshing.IsCompleted, "a host the backends leave out is not probed");
        }
    }

    [Fact]
    public async Task Candidates_WhileAProbeHangs_AnswersAtOnceAndLaterHasTheResult()
    {
        // A listener that never accepts: the kernel completes the connection, and ssh waits for a banner that never
        // comes, so the probe cannot end before the listener stops (which resets the connection).
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        Pool(_sshd.Host("silent") with { Port = port });
        var source = Source();
        var watch = Stopwatch.StartNew();

        var first = Assert.Single(Hosts(source, TaskFile));
        var answeredIn = watch.Elapsed;
        var probing = source.Refreshing;
        var again = Assert.Single(Hosts(source, TaskFile));

        Assert.Equal([SshBackend.ProbingText], first.Unmet);
        Assert.Equal([SshBackend.ProbingText], again.Unmet);
        Assert.False(probing.IsCompleted, "the probe is still waiting for the silent host");
        Assert.True(answeredIn < SshHostProbe.DefaultTimeout, $"the request took {answeredIn}");

        silent.Stop();
        await probing.WaitAsync(ProbeWait);
        var later = Assert.Single(Hosts(source, TaskFile));

        Assert.StartsWith($"{DiagnosticCodes.HostUnreachable} silent ({LoopbackSshd.User}@127.0.0.1:{port}) is unreachable: ", Assert.Single(later.Unmet), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Candidates_ProbeKeptByAnotherProcess_AnsweredAtTheFirstRequest()
    {
        Pool(_sshd.Host());
        await ProbedAsync();

        var lo = Assert.Single(Hosts(Source(), TaskFile));

        Assert.True(lo.Fits);
        Assert.Equal(Environment.ProcessorCount, lo.Offer.Resources.Cpus);
    }

    [Fact]
    public async Task Candidates_ConfigChanges_ReadAgain()
    {
        Pool(_sshd.Host());
        var source = await ProbedAsync();
        Assert.Equal(["lo"], Hosts(source, TaskFile).Select(c => c.Offer.Instance));

        Pool(_sshd.Host(), _sshd.Host("second-name-for-the-same-server"));
        var both = Hosts(source, TaskFile);
        Pool(_sshd.Host("second-name-for-the-same-server"));
        var second = Hosts(source, TaskFile);

        Assert.Equal(["lo", "second-name-for-the-same-server"], both.Select(c => c.Offer.Instance));
        Assert.True(both[0].Fits, "the host already probed keeps its result");
        Assert.Equal([SshBackend.ProbingText], both[1].Unmet);
        Assert.Equal(["second-name-for-the-same-server"], second.Select(c => c.Offer.Instance));
    }

    [Fact]
    public void Summarize_MalformedConfig_NoHostsAndTheProblemNamedWhenNothingIsOffered()
    {
        Directory.CreateDirectory(Home.Root);
        File.WriteAllText(Home.ConfigFile, "ssh_hosts: 3\n");
        var source = Source();

        var summary = source.Summarize(Configuration(TaskFile + "resources:\n  gpu: H100\n"), null);

        Assert.Equal(["local"], summary.Candidates.Select(c => c.Offer.Backend));
        Assert.Contains($"config.yml: {DiagnosticCodes.HostsConfigInvalid} `ssh_hosts` is", Assert.Single(summary.Problems), StringComparison.Ordinal);
        Assert.EndsWith(Assert.Single(summary.Problems), summary.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Candidates_NoConfig_NoHosts()
    {
        var source = Source();

        Assert.Empty(Hosts(source, TaskFile));
        Assert.Equal("1 offer: local, free", source.Summarize(Configuration(TaskFile), null).Text);
    }

    [Theory]
    [InlineData("spot_policy: spot\n", "spot_policy: spot asks for spot instances, and SSH hosts are on-demand")]
    [InlineData("regions: [eu-west-1]\n", "regions: [eu-west-1] leaves out the SSH hosts (their region is ssh)")]
    [InlineData("instance_types: [gpu9]\n", "instance_types: [gpu9] leaves out lo (an SSH host's instance type is its pool name)")]
    [InlineData("volumes:\n  - /data:/data\n", "volumes: instance volumes need image: (the SSH host runs the commands itself)")]
    [InlineData("build: [pip install -r requirements.txt]\n", "build: SSH hosts do not keep a prepared environment between runs yet")]
    public async Task Candidates_WhatSshHostsNeverOffer_IsUnmet(string rest, string unmet)
    {
        Pool(_sshd.Host());
        var source = await ProbedAsync();

        var lo = Assert.Single(Hosts(source, TaskFile + rest));

        Assert.Equal([unmet], lo.Unmet);
    }

    [Fact]
    public async Task Candidates_HostHeldByARun_IsBusy()
    {
        Pool(_sshd.Host(), Down);
        var store = StateStore.Open(Home);
        var held = new Offer(SshBackend.BackendName, SshBackend.Region, "lo", TestMachines.NoGpu, Spot: false, PricePerHour: 0m);
        var spec = new RunSpec { RunName = "r", Type = "task", ConfigurationPath = "/c.yml", RepoRoot = "/repo", Script = "a", Placements = [held] };
        store.CreateRun("brave-otter-1", _ => "brave-otter-1", "/c.yml", "/repo", _ => spec.ToJson(), DateTimeOffset.UtcNow);
        var source = Source();

        Hosts(source, TaskFile);
        await source.Refreshing.WaitAsync(ProbeWait);
        var candidates = Hosts(source, TaskFile);

        Assert.Equal(["busy with the run brave-otter-1"], candidates[0].Unmet);
        Assert.Equal(OfferAvailability.Busy, candidates[0].Offer.Availability);
        Assert.DoesNotContain(candidates[1].Unmet, u => u.StartsWith("busy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Changed_RaisedOnceWhenTheProbeAnswers()
    {
        Pool(_sshd.Host());
        var source = Source();
        var changes = 0;
        source.Changed += () => Interlocked.Increment(ref changes);

        Hosts(source, TaskFile);
        await source.Refreshing.WaitAsync(ProbeWait);
        Hosts(source, TaskFile);
        await source.Refreshing.WaitAsync(ProbeWait);

        Assert.Equal(1, changes);
    }

    [Fact]
    public async Task Start_ProbesEveryHostBeforeTheFirstRequest()
    {
        Pool(_sshd.Host());
        var source = Source().Start();

        await Bounded.UntilAsync(() => SshProbeCache.Cached(Home, _sshd.Host()) is not null, "the host probed in the background", ProbeWait);
        await source.Refreshing.WaitAsync(ProbeWait);

        Assert.True(Assert.Single(Hosts(source, TaskFile)).Fits);
    }

    [Fact]
    public async Task Summarize_ThisMachineAndAReachableHost_BothOffered()
    {
        Pool(_sshd.Host());
        var source = await ProbedAsync();

        Assert.Equal("2 offers: local, free · lo (ssh), free", source.Summarize(Configuration(TaskFile), null).Text);
        Assert.StartsWith(
            "no offers: local: gpu: needs 1xH100, the machine has no GPU (nvidia-smi found none); lo (ssh): gpu: needs 1xH100, the machine has ",
            source.Summarize(Configuration(TaskFile + "resources:\n  gpu: H100\n"), null).Text,
            StringComparison.Ordinal);
    }

    private EditorOffers Source()
    {
        var source = new EditorOffers(Home, new Dictionary<string, string>(), replacements: [TestMachines.Facts(TestMachines.NoGpu)]);
        _sources.Add(source);
        return source;
    }

    /// <summary>The SSH hosts' candidates for a configuration: the offers first, then those left out, each in the pool's order.</summary>
    private static List<OfferCandidate> Hosts(EditorOffers source, string text) =>
        [.. source.Summarize(Configuration(text), null).Candidates.Where(c => c.Offer.Backend == SshBackend.BackendName)];

    private static RunConfiguration Configuration(string text) => ConfigurationLoader.LoadText("t.dstack.yml", text).RunConfiguration!;

    /// <summary>An editor whose hosts have all been probed once.</summary>
    private async Task<EditorOffers> ProbedAsync()
    {
        var source = Source();
        Hosts(source, TaskFile);
        await source.Refreshing.WaitAsync(ProbeWait);
        return source;
    }

    private void Pool(params SshHost[] hosts)
    {
        var config = SshHostsConfig.Read(Home.ConfigFile, out _);
        Assert.Null(config.Write(hosts));
    }
}
