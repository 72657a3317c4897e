using System.Text.Json.Nodes;
using Dstack.Runtime.Backends;
using Dstack.Runtime.Backends.Gcp;
using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;
using Dstack.Runtime.Tests.Gcp.Fake;

namespace Dstack.Runtime.Tests.Gcp;

/// <summary>
/// GcpBackend's provisioning against the fake, in-process (the instances are not machines: SSH readiness is replaced):
/// the firewall rule, the instance body (machine type, attached GPUs, Spot scheduling, the project key, labels), zone by
/// zone past capacity errors, and deletion on every end.
/// </summary>
public sealed class GcpBackendTests : IClassFixture<GcpBackendTests.Server>
{
    private readonly Server _server;

    public GcpBackendTests(Server server) => _server = server;

    private FakeGcp Fake => _server.Fake;

    [Fact]
    public async Task Provision_SpotT4_FirewallThenInstance_WithSpotSchedulingKeyAndGpu_ThenTerminateDeletesIt()
    {
        var backend = Backend();
        var offer = Offer("gpu: T4", SpotPolicy.Spot, "n1-standard-4");
        var steps = new List<RunProgress>();

        var instance = await backend.ProvisionAsync(new ProvisionRequest(offer, "My-Run", 0, Guid.NewGuid().ToString()), new SyncProgress(steps.Add), CancellationToken.None);

        Assert.Equal("127.0.0.1", instance.Address);
        var zone = offer.Data[GcpOffers.ZonesKey].Split(',')[0];
        Assert.Equal(zone, instance.Offer.Data[GcpBackend.ZoneKey]);
        var created = Assert.Single(Fake.LiveInstances, i => GcpBackend.InstanceId(i.Zone, i.Name) == instance.InstanceId).Body;
        Assert.Equal("SPOT", (string?)created["scheduling"]!["provisioningModel"]);
        Assert.Equal("DELETE", (string?)created["scheduling"]!["instanceTerminationAction"]);
        Assert.Equal("TERMINATE", (string?)created["scheduling"]!["onHostMaintenance"]);
        Assert.Equal($"zones/{zone}/acceleratorTypes/nvidia-tesla-t4", (string?)created["guestAccelerators"]![0]!["acceleratorType"]);
        Assert.Equal(GcpBackend.GpuImage, (string?)created["disks"]![0]!["initializeParams"]!["sourceImage"]);
        Assert.StartsWith("ubuntu:ssh-", (string?)created["metadata"]!["items"]![0]!["value"], StringComparison.Ordinal);
        Assert.Equal("my-run", (string?)created["labels"]!["dstack_run"]);
        Assert.Equal("research", (string?)created["labels"]!["team"]);
        var tag = (string?)created["tags"]!["items"]![0];
        var firewall = Assert.Single(Fake.Calls, c => c.Method == "POST" && c.Collection == "firewalls" && (string?)c.Body!["name"] == $"{tag}-ssh");
        Assert.Equal(tag, (string?)firewall.Body!["targetTags"]![0]);
        Assert.Contains(steps, s => s is ProvisioningStepProgress { Step: "launching" });
        Assert.True(await backend.ExistsAsync(instance, CancellationToken.None));

        await backend.TerminateAsync(instance, CancellationToken.None);

        Assert.DoesNotContain(Fake.LiveInstances, i => GcpBackend.InstanceId(i.Zone, i.Name) == instance.InstanceId);
        Assert.False(await backend.ExistsAsync(instance, CancellationToken.None));
    }

    [Fact]
    public async Task Provision_OnDemandCpu_Standard_Migrate_UbuntuImage()
    {
        var backend = Backend();
        var offer = Offer("cpu: 4", SpotPolicy.OnDemand, "e2-standard-4");

        var instance = await backend.ProvisionAsync(new ProvisionRequest(offer, "cpu-run", 0, Guid.NewGuid().ToString()), null, CancellationToken.None);

        var created = Assert.Single(Fake.LiveInstances, i => GcpBackend.InstanceId(i.Zone, i.Name) == instance.InstanceId).Body;
        Assert.Equal("STANDARD", (string?)created["scheduling"]!["provisioningModel"]);
        Assert.Equal("MIGRATE", (string?)created["scheduling"]!["onHostMaintenance"]);
        Assert.Equal(GcpBackend.CpuImage, (string?)created["disks"]![0]!["initializeParams"]!["sourceImage"]);
        Assert.Null(created["guestAccelerators"]);
        await backend.TerminateAsync(instance, CancellationToken.None);
    }

    [Fact]
    public async Task Provision_CapacityInTheFirstZone_TheNextZone()
    {
        var backend = Backend();
        var offer = Offer("gpu: T4", SpotPolicy.OnDemand, "n1-standard-4");
        var zones = offer.Data[GcpOffers.ZonesKey].Split(',');
        Fake.FailNextInsert("ZONE_RESOURCE_POOL_EXHAUSTED", zones[0]);

        var instance = await backend.ProvisionAsync(new ProvisionRequest(offer, "next-zone", 0, Guid.NewGuid().ToString()), null, CancellationToken.None);

        Assert.Equal(zones[1], instance.Offer.Data[GcpBackend.ZoneKey]);
        await backend.TerminateAsync(instance, CancellationToken.None);
    }

    [Fact]
    public async Task Provision_CapacityInEveryZone_NoCapacity_NothingLeft()
    {
        var backend = Backend();
        var offer = Offer("gpu: T4", SpotPolicy.OnDemand, "n1-standard-4");
        var zones = offer.Data[GcpOffers.ZonesKey].Split(',');
        foreach (var zone in zones)
        {
            Fake.FailNextInsert(zone.EndsWith('a') ? "QUOTA_EXCEEDED" : "ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS", zone);
        }

        var before = Fake.LiveInstances.Count;
        var error = await Assert.ThrowsAsync<ProvisioningException>(() => backend.ProvisionAsync(new ProvisionRequest(offer, "full", 0, Guid.NewGuid().ToString()), null, CancellationToken.None));

        Assert.True(error.NoCapacity);
        Assert.Contains("QUOTA_EXCEEDED", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Fake.LiveInstances.Count);
    }

    [Fact]
    public async Task Provision_NeverAnswersSsh_IsDeleted()
    {
        var silent = new GcpBackend(_server.Home, _server.Settings, _server.Compute) { SshAnswers = (_, _) => Task.FromResult(false), ReadyLimit = TimeSpan.Zero, Poll = TimeSpan.FromMilliseconds(1) };
        var offer = Offer("cpu: 4", SpotPolicy.OnDemand, "e2-standard-4");
        var token = Guid.NewGuid().ToString();

        var error = await Assert.ThrowsAsync<ProvisioningException>(() => silent.ProvisionAsync(new ProvisionRequest(offer, "silent", 0, token), null, CancellationToken.None));

        Assert.Contains("did not run and answer SSH", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Fake.LiveInstances, i => i.Name == GcpBackend.InstanceName(token));
        Assert.Contains(Fake.Calls, c => c.Method == "DELETE" && c.Name == GcpBackend.InstanceName(token));
    }

    [Fact]
    public async Task Terminate_RecordedBeforeTheAnswer_FoundByItsToken()
    {
        var offer = Offer("cpu: 4", SpotPolicy.OnDemand, "e2-standard-4");
        var token = Guid.NewGuid().ToString();
        var zone = offer.Data[GcpOffers.ZonesKey].Split(',')[1];
        await _server.Compute.InsertInstanceAsync(zone, new JsonObject { ["name"] = GcpBackend.InstanceName(token) }, CancellationToken.None);

        await Backend().TerminateAsync(new Instance(offer, token, string.Empty), CancellationToken.None);

        Assert.DoesNotContain(Fake.LiveInstances, i => i.Name == GcpBackend.InstanceName(token));
    }

    [Fact]
    public async Task Interruption_NoneWhileRunning_SaidWhenTheSpotVmIsGone()
    {
        var backend = Backend();
        var offer = Offer("cpu: 4", SpotPolicy.Spot, "e2-standard-4");
        var instance = await backend.ProvisionAsync(new ProvisionRequest(offer, "preempted", 0, Guid.NewGuid().ToString()), null, CancellationToken.None);

        var running = await backend.InterruptionOfAsync(instance, CancellationToken.None);
        var zone = instance.Offer.Data[GcpBackend.ZoneKey];
        await _server.Compute.DeleteInstanceAsync(zone, instance.InstanceId.Split('/')[1], CancellationToken.None);
        var gone = await backend.InterruptionOfAsync(instance, CancellationToken.None);

        Assert.Null(running);
        Assert.Contains("a Spot VM is deleted when it is preempted", gone, StringComparison.Ordinal);
        Assert.Null(await backend.InterruptionOfAsync(instance with { InstanceId = "not-yet-named" }, CancellationToken.None));
    }

    [Fact]
    public async Task Check_ComputeAnswers_Ok_AndWithoutCredentials_SaysHowToGetThem()
    {
        var ok = Assert.Single(await Backend().CheckAsync(CancellationToken.None));
        var missing = new GcpSettings { ProjectId = "fake-project-1", ServiceAccountFile = Path.Combine(_server.Home.Root, "missing.json") };
        var refused = Assert.Single(await new GcpBackend(_server.Home, missing).CheckAsync(CancellationToken.None));

        Assert.True(ok.Ok, ok.Details);
        Assert.Contains("fake-project-1", ok.Details, StringComparison.Ordinal);
        Assert.False(refused.Ok);
        Assert.Contains("missing.json", refused.Details, StringComparison.Ordinal);
    }

    [Fact]
    public void GetOffers_FromTheShippedCatalog_SayWhereThePricesComeFrom()
    {
        var offers = Backend().GetOffers(new Requirements { InstanceTypes = ["g2-standard-4"] }, OfferContext.Empty);

        Assert.Equal(GcpOffers.BackendName, offers.Backend);
        Assert.All(offers.Offers, o => Assert.Equal("g2-standard-4", o.Instance));
        Assert.Equal(OfferPrices.Catalog, offers.Prices!.Source);
        Assert.Equal(GcpCatalog.Shipped.Date, offers.Prices.CatalogDate);
    }

    private GcpBackend Backend() => new(_server.Home, _server.Settings, _server.Compute) { SshAnswers = (_, _) => Task.FromResult(true), Poll = TimeSpan.Zero };

    private static Offer Offer(string resources, SpotPolicy policy, string instance)
    {
        var document = ConfigurationLoader.LoadText("a.dstack.yml", $"type: task\ncommands: [x]\nresources:\n  {resources}\n");
        var requirements = new Requirements { Resources = document.RunConfiguration!.Resources, SpotPolicy = policy, InstanceTypes = [instance], Regions = ["us-central1"] };
        return GcpOffers.For(GcpCatalog.Shipped.Rows, requirements, null).First(c => c.Fits).Offer;
    }

    private sealed class SyncProgress(Action<RunProgress> report) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => report(value);
    }

    /// <summary>One fake, one state folder (its project key made once) and one signed-in client per class.</summary>
    public sealed class Server : IAsyncLifetime
    {
        private readonly HttpClient _http = new();

        public DstackHome Home { get; } = new(Directory.CreateTempSubdirectory("dstack-gcpb-").FullName);

        public GcpSettings Settings { get; private set; } = null!;

        public FakeGcp Fake { get; private set; } = null!;

        public GcpCompute Compute { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Fake = await FakeGcp.StartAsync();
            var key = Fake.WriteServiceAccountKey(Path.Combine(Home.Root, "key.json"));
            Settings = new GcpSettings { ProjectId = "fake-project-1", ServiceAccountFile = key, Tags = new Dictionary<string, string> { ["team"] = "research" } };
            Compute = new GcpCompute(_http, Settings.ProjectId, GcpCredentials.Load(Settings, _ => null).AccessTokenAsync, Fake.ComputeUri);
        }

        public async Task DisposeAsync()
        {
            _http.Dispose();
            await Fake.DisposeAsync();
            Directory.Delete(Home.Root, recursive: true);
        }
    }
}
