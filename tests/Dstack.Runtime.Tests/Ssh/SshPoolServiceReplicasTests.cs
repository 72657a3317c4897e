using Dstack.Runtime.Backends.Ssh;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Resources;
using Dstack.Runtime.Runs;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Tests.Ssh;

/// <summary>
/// A service's replicas on SSH pool hosts, as other runs' planning sees them: a scaling service holds the host of a
/// replica it scaled away no longer (<c>dstack offer</c> and another run find it free), holds its least replicas' hosts
/// from the start, and a plan that lacks hosts speaks of replicas, not nodes.
/// </summary>
[Trait("Category", "Fast")]
public sealed class SshPoolServiceReplicasTests : IDisposable
{
    private static readonly SshHost Gpu1 = new("gpu-1", "ubuntu", "10.0.0.1", null, null);
    private static readonly SshHost Gpu2 = new("gpu-2", "ubuntu", "10.0.0.2", null, null);

    private readonly string _root = Directory.CreateTempSubdirectory("dstack-pool-replicas-").FullName;
    private readonly StateStore _store;
    private readonly SshBackend _backend = new(new DstackHome("/nonexistent/dstack"), new Pool([Gpu1, Gpu2]));

    public SshPoolServiceReplicasTests() => _store = StateStore.Open(new DstackHome(_root));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void AScalingService_HoldsOnlyTheHostsOfReplicasThatHaveAMachine()
    {
        var run = Submit(minReplicas: 0);
        var replica0 = _store.AddInstance(run.Id, run.Name, 0, SshBackend.BackendName, "ssh", "gpu-1", 0, "t0", "{}", DateTimeOffset.UtcNow);
        var replica1 = _store.AddInstance(run.Id, run.Name, 1, SshBackend.BackendName, "ssh", "gpu-2", 0, "t1", "{}", DateTimeOffset.UtcNow);
        Assert.Equal(["gpu-1", "gpu-2"], Held());

        // Replica 1 is scaled away: its machine is given back, and another run may have its host.
        _store.SetInstanceStatus(replica1.Id, InstanceStatus.Terminated, DateTimeOffset.UtcNow);
        Assert.Equal(["gpu-1"], Held());
        var offers = _backend.GetOffers(new Requirements(), new OfferContext { InUse = () => RunMonitor.InUse(_store, reconcile: false) });
        Assert.Equal(["gpu-2"], offers.Candidates.Where(c => c.Fits).Select(c => c.Offer.Instance));
        Assert.Contains(offers.Candidates, c => c.Offer.Instance == "gpu-1" && c.Offer.Availability == OfferAvailability.Busy && c.Unmet.Contains($"busy with the run {run.Name}"));

        // Scaled to zero: it holds no host.
        _store.SetInstanceStatus(replica0.Id, InstanceStatus.Terminated, DateTimeOffset.UtcNow);
        Assert.Empty(Held());
    }

    [Fact]
    public void AScalingService_HoldsItsLeastReplicasHosts_EvenBeforeTheyHaveMachines()
    {
        Submit(minReplicas: 1);

        Assert.Equal(["gpu-1"], Held());
    }

    [Fact]
    public void AServiceWithAFixedCount_HoldsEveryHost()
    {
        Submit(minReplicas: 2);

        Assert.Equal(["gpu-1", "gpu-2"], Held());
    }

    [Theory]
    [InlineData(true, "replicas: 2 needs 2 free SSH hosts that fit (one per replica), and 1 does", "replicas")]
    [InlineData(false, "nodes: 2 needs 2 free SSH hosts that fit (one per node), and 1 does", "nodes")]
    public void TooFewFreeHosts_SaysReplicasForAService_AndNodesForATask(bool service, string expected, string property)
    {
        IReadOnlyList<HeldPlacement> held = [new(Offer("gpu-1"), "other-run")];

        var offers = _backend.GetOffers(new Requirements { Nodes = 2, Service = service }, new OfferContext { InUse = () => held });

        var error = Assert.Single(offers.Problems, p => p.Severity == Diagnostics.DiagnosticSeverity.Error);
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("gpu-1: busy with the run other-run", error.Message, StringComparison.Ordinal);
        Assert.Equal(property, error.Property);
    }

    private List<string> Held() => [.. RunMonitor.InUse(_store, reconcile: false).Select(h => h.Offer.Instance).Order()];

    private RunRecord Submit(int minReplicas)
    {
        var spec = new RunSpec
        {
            RunName = "pool-svc",
            Type = "service",
            ConfigurationPath = Path.Combine(_root, ".dstack.yml"),
            RepoRoot = _root,
            Script = "python3 app.py",
            Nodes = 2,
            Placements = [Offer("gpu-1"), Offer("gpu-2")],
            Service = minReplicas == 2
                ? new ServiceSpec { Port = 8000, MinReplicas = 2, MaxReplicas = 2 }
                : new ServiceSpec { Port = 8000, MinReplicas = minReplicas, MaxReplicas = 2, Target = 1 },
        };
        return _store.CreateRun(spec.RunName, _ => spec.RunName, spec.ConfigurationPath, spec.RepoRoot, _ => spec.ToJson(), DateTimeOffset.UtcNow).Run;
    }

    private static Offer Offer(string host) => new(SshBackend.BackendName, "ssh", host, new MachineResources(4, new Memory(16), new Memory(100), []), false, 0m);

    private sealed class Pool(IReadOnlyList<SshHost> hosts) : ISshPool
    {
        private const string Output = "dstack-cpus 4\ndstack-mem MemTotal: 16384000 kB\ndstack-disk-kb 104857600\ndstack-end\n";

        public IReadOnlyList<SshHost> Hosts { get; } = hosts;

        public IReadOnlyList<SshProbeResult?> Probe(IReadOnlyList<SshHost> hosts) =>
            [.. hosts.Select(h => new SshProbeResult(h, SshHostProbe.Parse(Output), null, Output))];
    }
}
