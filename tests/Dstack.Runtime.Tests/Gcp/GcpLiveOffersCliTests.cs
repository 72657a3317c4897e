using System.Net;
using System.Text.Json;
using Dstack.Runtime.Backends.Gcp;
using Dstack.Runtime.Tests.Aws;
using Dstack.Runtime.Tests.Gcp.Fake;

namespace Dstack.Runtime.Tests.Gcp;

/// <summary>
/// <c>dstack offer -b gcp</c> through the real CLI with a service-account key of the fake (reached through
/// <c>CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE</c>): a machine type that no zone of the region lists is left out with
/// why, the lists are cached for the next command, and a refusal (403) is one warning line naming the cause and the fix,
/// with the shipped catalog's offers.
/// </summary>
public sealed class GcpLiveOffersCliTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("dstack-gcp-live-").FullName;
    private FakeGcp _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeGcp.StartAsync();

    public async Task DisposeAsync()
    {
        await _fake.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Offer_WithCredentials_ATypeNoZoneOfTheRegionLists_IsLeftOutWithWhy_AndTheListsAreCached()
    {
        var environment = await SandboxAsync("live");
        foreach (var zone in new[] { "a", "b", "c" })
        {
            _fake.Withdraw($"us-central1-{zone}", "g2-standard-4");
        }

        var json = await AwsRunEndToEndTests.RunAsync(environment["DSTACK_TEST_FOLDER"], environment, "offer", "-b", "gcp", "--gpu", "L4", "--json");
        var asked = _fake.Calls.Count(c => c.Aggregated);
        var text = await AwsRunEndToEndTests.RunAsync(environment["DSTACK_TEST_FOLDER"], environment, "offer", "-b", "gcp", "--gpu", "L4");

        Assert.True(json.Code == 0, json.ToString());
        Assert.Equal(string.Empty, json.Error);
        var root = JsonDocument.Parse(json.Output).RootElement;
        Assert.DoesNotContain(root.GetProperty("offers").EnumerateArray(), o => o.GetProperty("instance").GetString() == "g2-standard-4");
        Assert.True(root.GetProperty("offers").EnumerateArray().Any(o => o.GetProperty("instance").GetString() == "g2-standard-8"), json.Output);
        var left = root.GetProperty("left_out").EnumerateArray().First(o => o.GetProperty("instance").GetString() == "g2-standard-4" && o.GetProperty("region").GetString() == "us-central1");
        Assert.Contains("regions: g2-standard-4 is not offered in any zone of us-central1 to this project (Compute Engine's machineTypes and acceleratorTypes lists)", left.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.True(File.Exists(Path.Combine(environment["DSTACK_HOME"], "cache", "gcp-offers.json")));
        Assert.True(text.Code == 0, text.ToString());
        Assert.Contains("zones live from Compute Engine at ", text.Output, StringComparison.Ordinal);
        Assert.Equal(asked, _fake.Calls.Count(c => c.Aggregated));
    }

    [Fact]
    public async Task Offer_ListsRefused403_OneWarningWithTheCauseAndTheFix_TheCatalogsOffers()
    {
        var environment = await SandboxAsync("refused");
        _fake.ListFailure = HttpStatusCode.Forbidden;
        try
        {
            var offer = await AwsRunEndToEndTests.RunAsync(environment["DSTACK_TEST_FOLDER"], environment, "offer", "-b", "gcp", "--gpu", "L4");

            Assert.True(offer.Code == 0, offer.ToString());
            var warning = Assert.Single(offer.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("dstack: warning: gcp: live offers not read (403 forbidden: Required 'compute.machineTypes.list' permission for 'projects/fake-project-1'); give the credentials compute.machineTypes.list and compute.acceleratorTypes.list in fake-project-1 (the Compute Viewer role)", warning, StringComparison.Ordinal);
            Assert.EndsWith($"the offers are the shipped Compute Engine catalog's of {GcpCatalog.Shipped.Date:yyyy-MM-dd}", warning, StringComparison.Ordinal);
            Assert.Contains("g2-standard-4", offer.Output, StringComparison.Ordinal);
            Assert.Contains($"Compute Engine catalog of {GcpCatalog.Shipped.Date:yyyy-MM-dd} (shipped)", offer.Output, StringComparison.Ordinal);
        }
        finally
        {
            _fake.ListFailure = null;
        }
    }

    private async Task<Dictionary<string, string>> SandboxAsync(string name)
    {
        var folder = Path.Combine(_root, name);
        var home = Path.Combine(folder, "home");
        Directory.CreateDirectory(home);
        var key = _fake.WriteServiceAccountKey(Path.Combine(home, "gcp-key.json"));
        await File.WriteAllTextAsync(Path.Combine(folder, ".dstack.yml"), "type: task\ncommands: [nvidia-smi]\n");
        await File.WriteAllTextAsync(Path.Combine(home, "config.yml"), $"backends:\n  - type: gcp\n    project_id: fake-project-1\n    creds:\n      type: service_account\n      filename: {key}\n    regions: [us-central1]\n");
        return new Dictionary<string, string>
        {
            ["DSTACK_HOME"] = home,
            ["DSTACK_TEST_FOLDER"] = folder,
            [GcpBackend.EndpointVariable] = _fake.ComputeUri.ToString(),
        };
    }
}
