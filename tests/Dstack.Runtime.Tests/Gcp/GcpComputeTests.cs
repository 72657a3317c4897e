using System.Text.Json.Nodes;
using Dstack.Runtime.Backends.Gcp;
using Dstack.Runtime.Tests.Gcp.Fake;

namespace Dstack.Runtime.Tests.Gcp;

/// <summary>
/// The thin Compute Engine v1 client against the fake: signed in with a service-account key (the fake checks the JWT and
/// then the bearer token on every call), instances inserted, waited on, read and deleted, capacity errors with their
/// codes, firewalls, machine types.
/// </summary>
[Trait("Category", "Fast")]
public sealed class GcpComputeTests : IClassFixture<GcpComputeTests.Server>
{
    private const string Zone = "us-central1-a";

    private readonly FakeGcp _fake;
    private readonly GcpCompute _compute;

    public GcpComputeTests(Server server)
    {
        _fake = server.Fake;
        _compute = server.Compute;
    }

    [Fact]
    public async Task Insert_WaitsForTheOperation_GetShowsRunning_DeleteRemovesIt()
    {
        var name = Unique("run");
        await _compute.InsertInstanceAsync(Zone, Instance(name), CancellationToken.None);

        Assert.Contains(_fake.Calls, c => c.Method == "POST" && c.Collection == "operations" && c.Zone == Zone);
        Assert.Contains(_fake.LiveInstances, i => i.Name == name && (string?)i.Body["machineType"] == $"zones/{Zone}/machineTypes/n1-standard-4");
        var first = await _compute.GetInstanceAsync(Zone, name, CancellationToken.None);
        var second = await _compute.GetInstanceAsync(Zone, name, CancellationToken.None);
        Assert.Equal("PROVISIONING", (string?)first!["status"]);
        Assert.Equal("RUNNING", (string?)second!["status"]);
        Assert.Equal("127.0.0.1", (string?)second["networkInterfaces"]![0]!["accessConfigs"]![0]!["natIP"]);

        Assert.True(await _compute.DeleteInstanceAsync(Zone, name, CancellationToken.None));
        Assert.DoesNotContain(_fake.LiveInstances, i => i.Name == name);
        Assert.Null(await _compute.GetInstanceAsync(Zone, name, CancellationToken.None));
        Assert.False(await _compute.DeleteInstanceAsync(Zone, name, CancellationToken.None));
    }

    [Theory]
    [InlineData("ZONE_RESOURCE_POOL_EXHAUSTED", true)]
    [InlineData("ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS", true)]
    [InlineData("QUOTA_EXCEEDED", true)]
    [InlineData("PERMISSION_DENIED", false)]
    public async Task Insert_FailedOperation_ThrowsItsCode_AndMakesNothing(string code, bool capacity)
    {
        var name = Unique("full");
        _fake.FailNextInsert(code, "us-west1-b");

        var error = await Assert.ThrowsAsync<GcpApiException>(() => _compute.InsertInstanceAsync("us-west1-b", Instance(name), CancellationToken.None));

        Assert.Equal(code, error.Code);
        Assert.Equal(capacity, error.IsCapacity);
        Assert.DoesNotContain(_fake.LiveInstances, i => i.Name == name);
    }

    [Fact]
    public async Task Firewall_Missing_ThenInserted_AndInsertedAgain_IsFine()
    {
        var name = Unique("dstack-ssh");
        Assert.Null(await _compute.GetFirewallAsync(name, CancellationToken.None));

        var rule = new JsonObject { ["name"] = name, ["network"] = "global/networks/default", ["targetTags"] = new JsonArray("dstack-runner-1") };
        await _compute.InsertFirewallAsync(rule, CancellationToken.None);
        await _compute.InsertFirewallAsync(rule.DeepClone().AsObject(), CancellationToken.None);

        Assert.Equal(name, (string?)(await _compute.GetFirewallAsync(name, CancellationToken.None))!["name"]);
    }

    [Fact]
    public async Task MachineTypes_AreListed()
    {
        var types = await _compute.ListMachineTypesAsync(Zone, CancellationToken.None);

        Assert.Contains(types, t => (string?)t["name"] == "g2-standard-4" && (int?)t["guestCpus"] == 4);
    }

    [Fact]
    public async Task WrongToken_IsRefused_WithGooglesReason()
    {
        using var http = new HttpClient();
        var stranger = new GcpCompute(http, "fake-project-1", _ => Task.FromResult("ya29.not-handed-out"), _fake.ComputeUri);

        var error = await Assert.ThrowsAsync<GcpApiException>(() => stranger.ListMachineTypesAsync(Zone, CancellationToken.None));

        Assert.Equal(401, error.Status);
        Assert.Equal("authError", error.Code);
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    private static JsonObject Instance(string name) => new()
    {
        ["name"] = name,
        ["machineType"] = $"zones/{Zone}/machineTypes/n1-standard-4",
        ["labels"] = new JsonObject { ["dstack_run"] = "test" },
    };

    /// <summary>One fake and one signed-in client per class.</summary>
    public sealed class Server : IAsyncLifetime
    {
        private readonly HttpClient _http = new();
        private readonly string _folder = Directory.CreateTempSubdirectory("dstack-gcp-compute-").FullName;

        public FakeGcp Fake { get; private set; } = null!;

        public GcpCompute Compute { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Fake = await FakeGcp.StartAsync();
            var key = Fake.WriteServiceAccountKey(Path.Combine(_folder, "key.json"));
            var credentials = GcpCredentials.Load(new GcpSettings { ProjectId = "fake-project-1", ServiceAccountFile = key }, _ => null);
            Compute = new GcpCompute(_http, "fake-project-1", credentials.AccessTokenAsync, Fake.ComputeUri);
        }

        public async Task DisposeAsync()
        {
            _http.Dispose();
            await Fake.DisposeAsync();
            Directory.Delete(_folder, recursive: true);
        }
    }
}
