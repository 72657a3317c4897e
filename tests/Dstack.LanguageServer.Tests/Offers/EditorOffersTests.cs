using Dstack.LanguageServer.Offers;
using Dstack.LanguageServer.Tests.Support;
using Dstack.Runtime.Backends;
using Dstack.Runtime.Backends.Local;
using Dstack.Runtime.Backends.Ssh;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.LanguageServer.Tests.Offers;

/// <summary>
/// The offers lens asks the runtime's offer pipeline what <c>dstack run</c> would: the same backends, the same
/// requirements (the configuration merged with the profile dstack run selects), answered without waiting.
/// </summary>
[Trait("Category", "Fast")]
public sealed class EditorOffersTests : IDisposable
{
    private const string TaskFile = "type: task\ncommands: [a]\n";

    private readonly string _root = Directory.CreateTempSubdirectory("dstack-ls-offers-").FullName;

    public EditorOffersTests()
    {
        Home = new DstackHome(Path.Combine(_root, "home"));
        Project = Path.Combine(_root, "project");
        Directory.CreateDirectory(Project);
    }

    private DstackHome Home { get; }

    private string Project { get; }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("regions: [eu-west-1]\n", "regions: [eu-west-1] leaves out this machine (its region is local)")]
    [InlineData("instance_types: [p4d.24xlarge]\n", "instance_types: [p4d.24xlarge] leaves out this machine (its instance type is local)")]
    [InlineData("spot_policy: spot\n", "spot_policy: spot asks for spot instances, and this machine is on-demand")]
    [InlineData("resources:\n  memory: 64GB..\n", "memory: needs 64GB.., the machine has 32GB")]
    [InlineData("python: \"3.9\"\n", "python: no Python 3.9 on this machine")]
    [InlineData("volumes:\n  - /data:/data\n", "volumes: instance volumes need image: (this machine runs the commands itself)")]
    public void Summarize_FiltersOfTheConfiguration_AreUnmet(string rest, string unmet)
    {
        var summary = TestMachines.Offers(TestMachines.NoGpu).Summarize(Configuration(TaskFile + rest), null);

        var candidate = Assert.Single(summary.Candidates);
        Assert.Equal([unmet], candidate.Unmet);
        Assert.Equal($"no offers: {unmet}", summary.Text);
    }

    [Theory]
    [InlineData("python: \"3.12\"\n")]
    [InlineData("image: python:3.12\n")]
    public void Summarize_WhatThisMachineHas_OneOffer(string rest) =>
        Assert.Equal("1 offer: local, free", TestMachines.Offers(TestMachines.NoGpu).Summarize(Configuration(TaskFile + rest), null).Text);

    [Fact]
    public void Summarize_ImageWithoutDocker_SaysWhy()
    {
        var offers = TestMachines.Offers(TestMachines.NoGpu, docker: TestMachines.NoDocker);

        Assert.Equal($"no offers: image: no Docker engine ({TestMachines.NoDocker.Reason})", offers.Summarize(Configuration(TaskFile + "image: python:3.12\n"), null).Text);
    }

    [Fact]
    public void Summarize_DefaultImageWithoutDocker_AsDstackRunWouldRunIt()
    {
        Directory.CreateDirectory(Home.Root);
        File.WriteAllText(Home.ConfigFile, "default_image: python:3.12\n");
        var offers = TestMachines.Offers(TestMachines.NoGpu, Home, docker: TestMachines.NoDocker);

        Assert.Equal($"no offers: image: no Docker engine ({TestMachines.NoDocker.Reason})", offers.Summarize(Configuration(TaskFile), null).Text);
        Assert.Equal("1 offer: local, free", TestMachines.Offers(TestMachines.NoGpu, Home).Summarize(Configuration(TaskFile + "volumes: [\"/srv:/srv\"]\n"), null).Text);
    }

    [Fact]
    public void Summarize_BackendsLeaveOutEveryConfiguredBackend_TheRunsReasonAndFix()
    {
        var summary = TestMachines.Offers(TestMachines.NoGpu).Summarize(Configuration(TaskFile + "backends: [aws]\n"), null);

        Assert.Empty(summary.Candidates);
        Assert.Equal("no offers: backends [aws] excludes the local backend, the only one configured here; add local to backends, or pass -b local", summary.Text);
    }

    [Fact]
    public void Summarize_Volumes_NoOffersAsDstackRunRefuses()
    {
        var text = TaskFile + "volumes:\n  - /data:/data\n";
        var file = Write(Path.Combine(Project, "train.dstack.yml"), text);
        var facts = TestMachines.Facts(TestMachines.NoGpu);

        var lens = new EditorOffers(Home, Environment(), replacements: [facts]).Summarize(Configuration(text), file).Text;
        var plan = Plan(file, facts);

        Assert.Equal("no offers: volumes: instance volumes need image: (this machine runs the commands itself)", lens);
        Assert.False(plan.CanRun);
        Assert.Contains(plan.Diagnostics, d => d.IsError && d.Code == DiagnosticCodes.InvalidVolume && d.Message.StartsWith("volumes:", StringComparison.Ordinal));
    }

    [Fact]
    public void Summarize_DefaultProfileBesideTheDocument_AppliesAsInDstackRun()
    {
        Write(Path.Combine(Project, ".dstack", "profiles.yml"), "profiles:\n  - name: cloud\n    default: true\n    backends: [aws]\n");
        var file = Write(Path.Combine(Project, "train.dstack.yml"), TaskFile);
        var facts = TestMachines.Facts(TestMachines.NoGpu);

        var lens = new EditorOffers(Home, Environment(), replacements: [facts]).Summarize(Configuration(TaskFile), file).Text;
        var plan = Plan(file, facts);

        var error = Assert.Single(plan.Diagnostics, d => d.IsError);
        Assert.Equal(DiagnosticCodes.NoOffers, error.Code);
        Assert.Equal(error.Message, lens);
        Assert.StartsWith("no offers: backends [aws] excludes the local backend", lens, StringComparison.Ordinal);
    }

    public static TheoryData<string, string?> ExamplesAndProfiles()
    {
        var data = new TheoryData<string, string?>();
        var examples = Path.Combine(RepositoryRoot(), "examples");
        foreach (var example in Directory.GetFiles(examples, "*.dstack.yml").Order(StringComparer.Ordinal))
        {
            data.Add(example, null);
        }

        foreach (var filter in new[] { "backends: [aws]", "backends: [ssh]", "backends: [local, ssh]", "regions: [ssh]", "regions: [local]", "spot_policy: spot", "spot_policy: auto", "max_price: 0.5", "instance_types: [gpu1]" })
        {
            data.Add(Path.Combine(examples, "hello.dstack.yml"), filter);
        }

        return data;
    }

    /// <summary>
    /// The lens and <c>dstack run</c>'s plan (whose search <c>dstack offer --json</c> prints) list the same offers in the
    /// same order, with this machine and a pool host, for every example and for default profiles that filter.
    /// </summary>
    [Theory]
    [MemberData(nameof(ExamplesAndProfiles))]
    public async Task Summarize_ListsTheSameOffersAsThePlan(string example, string? profileFilter)
    {
        var host = PoolHost("gpu1");
        Pool(host);
        KeepProbe(host, cpus: 64);
        if (profileFilter is not null)
        {
            Write(Path.Combine(Project, ".dstack", "profiles.yml"), $"profiles:\n  - name: filtered\n    default: true\n    {profileFilter}\n");
        }

        var text = File.ReadAllText(example);
        var file = Write(Path.Combine(Project, Path.GetFileName(example)), text);
        var facts = TestMachines.Facts(TestMachines.NoGpu);
        var offers = new EditorOffers(Home, Environment(("APP_TOKEN", "x"), ("REGISTRY_PASSWORD", "x")), replacements: [facts]);
        offers.Summarize(Configuration(text), file);
        await offers.Refreshing.WaitAsync(TimeSpan.FromSeconds(10));

        var lens = offers.Summarize(Configuration(text), file);
        var plan = Plan(file, facts);

        Assert.NotNull(plan.Offers);
        Assert.Equal(
            plan.Offers.Offers.Select(o => (o.Backend, o.Instance, o.PricePerHour)),
            lens.Offers.Select(c => (c.Offer.Backend, c.Offer.Instance, c.Offer.PricePerHour)));
        Assert.Equal(plan.Placement is not null && plan.Offers.Offers.Count > 0, lens.Offers.Count > 0);
    }

    private static string RepositoryRoot()
    {
        var directory = AppContext.BaseDirectory;
        while (directory is not null && !Directory.Exists(Path.Combine(directory, "examples")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("the repository root (with examples/) was not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void Summarize_DocumentInASubfolder_TheRunFoldersProfile()
    {
        Directory.CreateDirectory(Path.Combine(Project, ".git"));
        Write(Path.Combine(Project, ".dstack", "profiles.yml"), "profiles:\n  - name: cloud\n    default: true\n    backends: [aws]\n");
        var file = Write(Path.Combine(Project, "jobs", "train", "train.dstack.yml"), TaskFile);

        var summary = new EditorOffers(Home, Environment(), replacements: [TestMachines.Facts(TestMachines.NoGpu)]).Summarize(Configuration(TaskFile), file);

        Assert.StartsWith("no offers: backends [aws]", summary.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Summarize_NoFilePath_NoProfile()
    {
        Write(Path.Combine(Home.Root, "profiles.yml"), "profiles:\n  - name: cloud\n    default: true\n    backends: [aws]\n");

        var offers = new EditorOffers(Home, Environment(), replacements: [TestMachines.Facts(TestMachines.NoGpu)]);

        Assert.Equal("1 offer: local, free", offers.Summarize(Configuration(TaskFile), null).Text);
        Assert.StartsWith("no offers: backends [aws]", offers.Summarize(Configuration(TaskFile), Write(Path.Combine(Project, "t.dstack.yml"), TaskFile)).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Summarize_ConfigurationSetsWhatTheProfileSets_TheConfigurationWins()
    {
        Write(Path.Combine(Project, ".dstack", "profiles.yml"), "profiles:\n  - name: cloud\n    default: true\n    backends: [aws]\n");
        var file = Write(Path.Combine(Project, "t.dstack.yml"), TaskFile);

        var summary = new EditorOffers(Home, Environment(), replacements: [TestMachines.Facts(TestMachines.NoGpu)]).Summarize(Configuration(TaskFile + "backends: [local]\n"), file);

        Assert.Equal("1 offer: local, free", summary.Text);
    }

    [Fact]
    public void Summarize_DstackProfileOfTheServer_SelectsTheNamedProfile()
    {
        Write(Path.Combine(Project, ".dstack", "profiles.yml"), "profiles:\n  - name: cloud\n    backends: [aws]\n  - name: here\n    default: true\n    spot_policy: spot\n");
        var file = Write(Path.Combine(Project, "t.dstack.yml"), TaskFile);
        var facts = TestMachines.Facts(TestMachines.NoGpu);

        var byDefault = new EditorOffers(Home, Environment(), replacements: [facts]).Summarize(Configuration(TaskFile), file).Text;
        var named = new EditorOffers(Home, Environment(("DSTACK_PROFILE", "cloud")), replacements: [facts]).Summarize(Configuration(TaskFile), file).Text;
        var unknown = new EditorOffers(Home, Environment(("DSTACK_PROFILE", "clod")), replacements: [facts]).Summarize(Configuration(TaskFile), file).Text;

        Assert.Equal("no offers: spot_policy: spot asks for spot instances, and this machine is on-demand", byDefault);
        Assert.StartsWith("no offers: backends [aws]", named, StringComparison.Ordinal);
        Assert.Equal("no offers: profiles.yml: No such profile: clod; did you mean `cloud`?", unknown);
    }

    [Fact]
    public async Task Summarize_PoolHostProbedByAnotherProcess_OfferedAtTheFirstRequest()
    {
        var host = PoolHost("gpu1");
        Pool(host);
        KeepProbe(host, cpus: 16);
        var offers = new EditorOffers(Home, Environment(), replacements: [TestMachines.Facts(TestMachines.NoGpu)]);

        var summary = offers.Summarize(Configuration(TaskFile), null);
        var big = offers.Summarize(Configuration(TaskFile + "resources:\n  cpu: 12..\n"), null);
        await offers.Refreshing.WaitAsync(Bounded.Limit);

        Assert.Equal("2 offers: local, free · gpu1 (ssh), free", summary.Text);
        Assert.Equal("1 offer: gpu1 (ssh), free", big.Text);
        // A probe of the unroutable address would have failed (or still be waiting) and replaced the kept one.
        Assert.Equal(16, SshProbeCache.Cached(Home, host)?.Resources?.Cpus);
    }

    [Fact]
    public void Summarize_ConfigChanges_ReadAgain()
    {
        var gpu1 = PoolHost("gpu1");
        var gpu2 = PoolHost("gpu2");
        KeepProbe(gpu1, cpus: 16);
        KeepProbe(gpu2, cpus: 16);
        Pool(gpu1);
        var offers = new EditorOffers(Home, Environment(), replacements: [TestMachines.Facts(TestMachines.NoGpu)]);
        var before = offers.Summarize(Configuration(TaskFile), null).Text;

        Pool(gpu1, gpu2);
        var after = offers.Summarize(Configuration(TaskFile), null).Text;

        Assert.Equal("2 offers: local, free · gpu1 (ssh), free", before);
        Assert.Equal("3 offers: local, free · gpu1 (ssh), free · gpu2 (ssh), free", after);
    }

    [Fact]
    public async Task Summarize_RunsPlacementsReadInTheBackground_NeverWaitedFor()
    {
        var host = PoolHost("gpu1");
        Pool(host);
        KeepProbe(host, cpus: 16);
        using var release = new ManualResetEventSlim();
        var reads = 0;
        var offers = new EditorOffers(Home, Environment(), replacements: [TestMachines.Facts(TestMachines.NoGpu)], inUse: () =>
        {
            Interlocked.Increment(ref reads);
            release.Wait(Bounded.Limit);
            return [new HeldPlacement(new Offer(SshBackend.BackendName, SshBackend.Region, "gpu1", TestMachines.NoGpu, Spot: false, PricePerHour: 0m), "brave-otter-1")];
        });
        var changes = 0;
        offers.Changed += () => Interlocked.Increment(ref changes);

        var first = offers.Summarize(Configuration(TaskFile), null);
        var reading = offers.Refreshing;
        Assert.False(reading.IsCompleted, "the placements are still being read");
        release.Set();
        await reading.WaitAsync(Bounded.Limit);
        var later = offers.Summarize(Configuration(TaskFile), null);
        await offers.Refreshing.WaitAsync(Bounded.Limit);

        Assert.Equal("2 offers: local, free · gpu1 (ssh), free", first.Text);
        Assert.Equal("1 offer: local, free", later.Text);
        Assert.Equal(["busy with the run brave-otter-1"], later.Candidates.Single(c => c.Offer.Instance == "gpu1").Unmet);
        Assert.Equal((1, 1), (reads, changes));
    }

    [Fact]
    public async Task Summarize_GpuHeldByAnotherRun_NoCapacity()
    {
        var held = new HeldPlacement(new Offer("local", "local", "local", TestMachines.OneRtx4090, Spot: false, PricePerHour: 0m) { Gpus = [0] }, "fast-cat-1");
        var offers = new EditorOffers(Home, Environment(), replacements: [TestMachines.Facts(TestMachines.OneRtx4090)], inUse: () => [held]);
        var gpuTask = Configuration(TaskFile + "resources:\n  gpu: 24GB\n");

        offers.Summarize(gpuTask, null);
        await offers.Refreshing.WaitAsync(Bounded.Limit);

        Assert.Equal("no offers: no capacity: its GPUs are held by other runs", offers.Summarize(gpuTask, null).Text);
        Assert.Equal("1 offer: local, free", offers.Summarize(Configuration(TaskFile), null).Text);
    }

    [Fact]
    public void ActiveRuns_NoStateStore_NoneAndNothingWritten()
    {
        Assert.Empty(EditorOffers.ActiveRuns(Home));
        Assert.False(File.Exists(Home.StateDatabase));
    }

    [Fact]
    public void ActiveRuns_AnUnfinishedRun_ItsPlacements()
    {
        var offer = new Offer(SshBackend.BackendName, SshBackend.Region, "gpu1", TestMachines.NoGpu, Spot: false, PricePerHour: 0m);
        var spec = new RunSpec { RunName = "r", Type = "task", ConfigurationPath = "/c.yml", RepoRoot = "/repo", Script = "a", Placements = [offer] };
        StateStore.Open(Home).CreateRun("brave-otter-1", _ => "brave-otter-1", "/c.yml", "/repo", _ => spec.ToJson(), DateTimeOffset.UtcNow);

        var held = Assert.Single(EditorOffers.ActiveRuns(Home));

        Assert.Equal(("brave-otter-1", "ssh", "gpu1"), (held.RunName, held.Offer.Backend, held.Offer.Instance));
    }

    private static RunConfiguration Configuration(string text) => ConfigurationLoader.LoadText("t.dstack.yml", text).RunConfiguration!;

    private static Dictionary<string, string> Environment(params (string Name, string Value)[] variables) =>
        variables.ToDictionary(v => v.Name, v => v.Value);

    private static string Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>What <c>dstack run . -f FILE</c> plans in the file's folder, with the same machine.</summary>
    private RunPlan Plan(string file, LocalMachineFacts facts) =>
        RunPlanner.Plan(new RunRequest(Path.GetDirectoryName(file)!, ".", Path.GetFileName(file), new RunOverrides(), Environment(), Home)
        {
            Backends = () => BackendRegistry.Read(Home, BackendContext.Synchronous(facts)),
        });

    /// <summary>A host nobody listens for: it is never probed here, its probe is kept.</summary>
    private static SshHost PoolHost(string name) => new(name, "ubuntu", "192.0.2.1");

    private void Pool(params SshHost[] hosts)
    {
        var config = SshHostsConfig.Read(Home.ConfigFile, out _);
        Assert.Null(config.Write(hosts));
    }

    /// <summary>Keeps a probe of <paramref name="host"/> as another dstack process would.</summary>
    private void KeepProbe(SshHost host, int cpus)
    {
        var output = $"dstack-cpus {cpus}\ndstack-mem MemTotal: 67108864 kB\ndstack-disk-kb 524288000\ndstack-end\n";
        SshProbeCache.Keep(Home, new SshProbeResult(host, SshHostProbe.Parse(output), null, output));
    }
}
