using System.Text.Json.Nodes;
using Dstack.Runtime.Backends;
using Dstack.Runtime.Backends.Gcp;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Runs;
using Dstack.Runtime.Tests.Gcp.Fake;

namespace Dstack.Runtime.Tests.Gcp;

/// <summary>
/// GcpBackend's runs of several nodes and runs in containers against the fake, in-process: one zone for every node of
/// a group, the compact placement policy (made once, named by each instance, deleted with the last instance or at the
/// run's end, none for a series without compact placement), nothing left when no zone has capacity; and for
/// <c>image:</c> runs the Docker install in the user data and the <c>waiting_for_docker</c> step.
/// </summary>
[Trait("Category", "Fast")]
public sealed class GcpNodesAndDockerTests : IClassFixture<GcpBackendTests.Server>
{
    private readonly GcpBackendTests.Server _server;

    public GcpNodesAndDockerTests(GcpBackendTests.Server server) => _server = server;

    private FakeGcp Fake => _server.Fake;

    [Fact]
    public async Task Group_TwoNodes_OneZoneAndOneCompactPolicy_DeletedWithTheLastInstance()
    {
        var backend = Backend();
        var group = "pair-" + Guid.NewGuid().ToString("N")[..6];
        var offer = Offer("n1-standard-8");
        var zones = offer.Data[GcpOffers.ZonesKey].Split(',');
        Fake.FailNextInsert("ZONE_RESOURCE_POOL_EXHAUSTED", zones[0]);
        var steps = new List<RunProgress>();

        var first = await backend.ProvisionAsync(Request(offer, group, 0), new SyncProgress(steps.Add), CancellationToken.None);
        var second = await backend.ProvisionAsync(Request(offer, group, 1), new SyncProgress(steps.Add), CancellationToken.None);

        var name = GcpBackend.ResourcePolicyName(CloudInit.ProjectName(_server.Home), group);
        var policy = Fake.ResourcePolicies[$"us-central1/{name}"];
        Assert.Equal("COLLOCATED", (string?)policy["groupPlacementPolicy"]!["collocation"]);
        Assert.Equal(2, (int?)policy["groupPlacementPolicy"]!["vmCount"]);
        Assert.Single(Fake.Calls, c => c.Method == "POST" && c.Collection == "resourcePolicies" && c.Name is null && (string?)c.Body!["name"] == name);
        Assert.Equal([zones[1], zones[1]], new[] { first, second }.Select(i => i.Offer.Data[GcpBackend.ZoneKey]));
        var bodies = Fake.LiveInstances.Where(i => i.Zone == zones[1] && new[] { first.InstanceId, second.InstanceId }.Contains(GcpBackend.InstanceId(i.Zone, i.Name))).Select(i => i.Body).ToList();
        Assert.Equal(2, bodies.Count);
        Assert.All(bodies, b => Assert.Equal($"projects/fake-project-1/regions/us-central1/resourcePolicies/{name}", (string?)b["resourcePolicies"]![0]));
        Assert.Contains(steps, s => s is ProvisioningStepProgress { Step: "placement_policy" });

        await backend.TerminateAsync(first, CancellationToken.None);
        var whileUsed = Fake.ResourcePolicies.ContainsKey($"us-central1/{name}");
        await backend.TerminateAsync(second, CancellationToken.None);

        Assert.True(whileUsed);
        Assert.False(Fake.ResourcePolicies.ContainsKey($"us-central1/{name}"));
        await backend.ReleaseGroupAsync(group, [offer], CancellationToken.None);
    }

    [Fact]
    public async Task Group_ALaterNodesOfferWithoutTheGroupsZone_IsNoCapacity_AndMakesNothing()
    {
        var backend = Backend();
        var group = "zone-" + Guid.NewGuid().ToString("N")[..6];
        var t4 = Offer("n1-standard-4", "gpu: T4");
        var first = await backend.ProvisionAsync(Request(t4, group, 0), null, CancellationToken.None);
        var elsewhere = t4 with { Data = new Dictionary<string, string>(t4.Data) { [GcpOffers.ZonesKey] = "us-central1-x" } };
        var inserts = Fake.Calls.Count(c => c.Method == "POST" && c.Collection == "instances");

        var refused = await Assert.ThrowsAsync<ProvisioningException>(() => backend.ProvisionAsync(Request(elsewhere, group, 1), null, CancellationToken.None));

        Assert.True(refused.NoCapacity);
        Assert.Contains($"the run's other nodes are in {first.Offer.Data[GcpBackend.ZoneKey]}", refused.Message, StringComparison.Ordinal);
        Assert.Equal(inserts, Fake.Calls.Count(c => c.Method == "POST" && c.Collection == "instances"));
        await backend.TerminateAsync(first, CancellationToken.None);
        await backend.ReleaseGroupAsync(group, [t4], CancellationToken.None);
    }

    [Fact]
    public async Task Group_NoCapacityInAnyZone_ReleaseGroupLeavesNeitherInstanceNorPolicy()
    {
        var backend = Backend();
        var group = "full-" + Guid.NewGuid().ToString("N")[..6];
        var offer = Offer("n2-standard-8");
        foreach (var zone in offer.Data[GcpOffers.ZonesKey].Split(','))
        {
            Fake.FailNextInsert("ZONE_RESOURCE_POOL_EXHAUSTED", zone);
        }

        var failed = await Assert.ThrowsAsync<ProvisioningException>(() => backend.ProvisionAsync(Request(offer, group, 0), null, CancellationToken.None));
        var name = GcpBackend.ResourcePolicyName(CloudInit.ProjectName(_server.Home), group);
        await backend.ReleaseGroupAsync(group, [offer], CancellationToken.None);

        Assert.True(failed.NoCapacity);
        Assert.DoesNotContain(Fake.LiveInstances, i => (string?)i.Body["labels"]!["dstack_run"] == group);
        Assert.False(Fake.ResourcePolicies.ContainsKey($"us-central1/{name}"));
        Assert.Contains(Fake.Calls, c => c.Method == "DELETE" && c.Collection == "resourcePolicies" && c.Name == name);
    }

    [Fact]
    public async Task Group_SeriesWithoutCompactPlacement_NoPolicy_StillOneZone()
    {
        var backend = Backend();
        var group = "e2-" + Guid.NewGuid().ToString("N")[..6];
        var offer = Offer("e2-standard-4");

        var first = await backend.ProvisionAsync(Request(offer, group, 0), null, CancellationToken.None);
        var second = await backend.ProvisionAsync(Request(offer, group, 1), null, CancellationToken.None);

        Assert.False(GcpBackend.SupportsCompactPlacement("e2-standard-4"));
        Assert.True(GcpBackend.SupportsCompactPlacement("a2-highgpu-8g"));
        Assert.DoesNotContain(Fake.Calls, c => c.Collection == "resourcePolicies" && (string?)c.Body?["name"] == GcpBackend.ResourcePolicyName(CloudInit.ProjectName(_server.Home), group));
        Assert.Equal(first.Offer.Data[GcpBackend.ZoneKey], second.Offer.Data[GcpBackend.ZoneKey]);
        Assert.False(first.Offer.Data.ContainsKey(GcpBackend.ResourcePolicyKey));
        await backend.TerminateAsync(first, CancellationToken.None);
        await backend.TerminateAsync(second, CancellationToken.None);
    }

    [Fact]
    public async Task Containers_UserDataInstallsDocker_AndProvisionWaitsForTheEngine()
    {
        var asked = 0;
        var backend = Backend(dockerAnswers: () => ++asked >= 2);
        var steps = new List<RunProgress>();

        var instance = await backend.ProvisionAsync(Request(Offer("e2-standard-4"), null, 0) with { Containers = true }, new SyncProgress(steps.Add), CancellationToken.None);

        var body = Fake.LiveInstances.Single(i => GcpBackend.InstanceId(i.Zone, i.Name) == instance.InstanceId).Body;
        var userData = (string?)(body["metadata"]!["items"] as JsonArray)!.First(i => (string?)i!["key"] == "user-data")!["value"];
        Assert.Contains("apt-get install -y docker.io", userData, StringComparison.Ordinal);
        Assert.Contains("[usermod, -aG, docker, ubuntu]", userData, StringComparison.Ordinal);
        Assert.Equal(2, asked);
        var kinds = steps.OfType<ProvisioningStepProgress>().Select(s => s.Step).ToList();
        Assert.Equal(kinds.IndexOf("waiting") + 1, kinds.IndexOf("waiting_for_docker"));
        await backend.TerminateAsync(instance, CancellationToken.None);
    }

    [Fact]
    public async Task NoContainers_NoDockerInUserData_NoWait()
    {
        var asked = 0;
        var backend = Backend(dockerAnswers: () => ++asked > 0);
        var steps = new List<RunProgress>();

        var instance = await backend.ProvisionAsync(Request(Offer("e2-standard-4"), null, 0), new SyncProgress(steps.Add), CancellationToken.None);

        var body = Fake.LiveInstances.Single(i => GcpBackend.InstanceId(i.Zone, i.Name) == instance.InstanceId).Body;
        Assert.DoesNotContain("docker", body["metadata"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(0, asked);
        Assert.DoesNotContain(steps, s => s is ProvisioningStepProgress { Step: "waiting_for_docker" });
        await backend.TerminateAsync(instance, CancellationToken.None);
    }

    private GcpBackend Backend(Func<bool>? dockerAnswers = null) => new(_server.Home, _server.Settings, _server.Compute)
    {
        SshAnswers = (_, _) => Task.FromResult(true),
        DockerAnswers = (_, _) => Task.FromResult(dockerAnswers?.Invoke() ?? true),
        Poll = TimeSpan.Zero,
    };

    private static ProvisionRequest Request(Offer offer, string? group, int rank) =>
        new(offer, group ?? "solo", rank, Guid.NewGuid().ToString()) { Group = group, Nodes = group is null ? 1 : 2 };

    private static Offer Offer(string instance, string? resources = null)
    {
        var document = Dstack.Runtime.Configuration.ConfigurationLoader.LoadText("a.dstack.yml", $"type: task\ncommands: [x]\n{(resources is null ? string.Empty : $"resources:\n  {resources}\n")}");
        var requirements = new Requirements { Resources = document.RunConfiguration!.Resources, SpotPolicy = SpotPolicy.OnDemand, InstanceTypes = [instance], Regions = ["us-central1"] };
        return GcpOffers.For(GcpCatalog.Shipped.Rows, requirements, null).First(c => c.Fits).Offer;
    }

    private sealed class SyncProgress(Action<RunProgress> report) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => report(value);
    }
}
