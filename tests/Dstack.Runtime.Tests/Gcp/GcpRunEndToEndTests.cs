using System.Text.Json;
using Dstack.Runtime.Backends.Gcp;
using Dstack.Runtime.Tests.Aws;
using Dstack.Runtime.Tests.CloudFakes;
using Dstack.Runtime.Tests.Gcp.Fake;
using Dstack.Runtime.Tests.Ssh;

namespace Dstack.Runtime.Tests.Gcp;

/// <summary>
/// <c>dstack run -b gcp</c> through the real CLI (and its controller process) against the fake Compute Engine, reached
/// through <c>CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE</c>, signed in with a service-account key whose token_uri is the
/// fake: an instance is a network-namespace host with a real sshd that lets the project key in. The job runs there over
/// SSH, the exit code is the job's, and the instance is deleted at the end: none is left in the fake.
/// </summary>
public sealed class GcpRunEndToEndTests
{
    [NetnsFact]
    public async Task Run_OnGcp_CreatesTheInstance_RunsTheJobThere_AndDeletesIt()
    {
        using var hosts = new NetnsHosts(1);
        await using var fake = await FakeGcp.StartAsync(new NetnsMachines(hosts));
        var root = Directory.CreateTempSubdirectory("dstack-gcp-e2e-").FullName;
        try
        {
            var (project, environment) = await SandboxAsync(root, fake, "exit 3");

            var run = await AwsRunEndToEndTests.RunAsync(project, environment, "run", "-y", "-b", "gcp", "--instance-type", "e2-standard-4");
            var ps = await AwsRunEndToEndTests.RunAsync(project, environment, "ps", "-a", "--json");

            Assert.True(run.Code == 3, run.ToString() + hosts.SshdErrors(0));
            Assert.Contains($"hello-from-gce {hosts.Hosts[0].Address}", run.Output, StringComparison.Ordinal);
            var insert = Assert.Single(fake.Calls, c => c.Method == "POST" && c.Collection == "instances");
            Assert.Equal("on-gce", (string?)insert.Body!["labels"]!["dstack_run"]);
            Assert.Contains(fake.Calls, c => c.Method == "DELETE" && c.Collection == "instances");
            Assert.Empty(fake.LiveInstances);
            var record = JsonDocument.Parse(ps.Output).RootElement.GetProperty("runs")[0];
            Assert.Equal(("gcp (e2-standard-4)", "us-central1"), (record.GetProperty("backend").GetString(), record.GetProperty("region").GetString()));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [NetnsFact]
    public async Task Run_OnGcp_NoCapacityInAnyZoneOfTheCheapest_TheNextOfferIsUsed_AndNothingIsLeft()
    {
        using var hosts = new NetnsHosts(1);
        await using var fake = await FakeGcp.StartAsync(new NetnsMachines(hosts));
        foreach (var zone in new[] { "a", "b", "c", "f" })
        {
            fake.FailNextInsert("ZONE_RESOURCE_POOL_EXHAUSTED", $"us-central1-{zone}");
        }

        var root = Directory.CreateTempSubdirectory("dstack-gcp-e2e-").FullName;
        try
        {
            var (project, environment) = await SandboxAsync(root, fake, "true");

            var run = await AwsRunEndToEndTests.RunAsync(project, environment, "run", "-y", "-b", "gcp", "--instance-type", "e2-standard-4", "--instance-type", "n2-standard-8");

            Assert.True(run.Code == 0, run.ToString());
            Assert.Contains("no capacity or quota in any zone", run.Error, StringComparison.Ordinal);
            Assert.Contains("trying the next offer: n2-standard-8 in us-central1", run.Error, StringComparison.Ordinal);
            var inserts = fake.Calls.Where(c => c.Method == "POST" && c.Collection == "instances").ToList();
            Assert.Equal(5, inserts.Count);
            Assert.EndsWith("/n2-standard-8", (string?)inserts[^1].Body!["machineType"], StringComparison.Ordinal);
            Assert.Contains("hello-from-gce", run.Output, StringComparison.Ordinal);
            Assert.Empty(fake.LiveInstances);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Offer_OnGcp_ComesFromTheShippedCatalog_WithoutCredentialsOrNetwork()
    {
        var root = Directory.CreateTempSubdirectory("dstack-gcp-offer-").FullName;
        try
        {
            var home = Path.Combine(root, "home");
            Directory.CreateDirectory(home);
            await File.WriteAllTextAsync(Path.Combine(root, ".dstack.yml"), "type: task\ncommands: [nvidia-smi]\n");
            await File.WriteAllTextAsync(Path.Combine(home, "config.yml"), "backends:\n  - type: gcp\n    project_id: my-project-123\n    creds:\n      type: default\n");
            var environment = new Dictionary<string, string> { ["DSTACK_HOME"] = home, [GcpBackend.EndpointVariable] = "http://127.0.0.1:9/compute/v1/", ["GOOGLE_APPLICATION_CREDENTIALS"] = string.Empty, ["CLOUDSDK_CONFIG"] = root };

            var offer = await AwsRunEndToEndTests.RunAsync(root, environment, "offer", "-b", "gcp", "--gpu", "A100:80GB:8", "--json");

            Assert.True(offer.Code == 0, offer.ToString());
            var offers = JsonDocument.Parse(offer.Output).RootElement.GetProperty("offers").EnumerateArray().ToList();
            Assert.NotEmpty(offers);
            Assert.All(offers, o => Assert.Equal("gcp", o.GetProperty("backend").GetString()));
            Assert.All(offers, o => Assert.Equal("a2-ultragpu-8g", o.GetProperty("instance").GetString()));
            var prices = offers.Select(o => o.GetProperty("price").GetDecimal()).ToList();
            Assert.Equal(prices.Order(), prices);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>A project with a one-line task and a DSTACK_HOME whose config.yml points the gcp backend at the fake.</summary>
    internal static async Task<(string Project, Dictionary<string, string> Environment)> SandboxAsync(string root, FakeGcp fake, string end)
    {
        var project = Path.Combine(root, "project");
        var home = Path.Combine(root, "home");
        Directory.CreateDirectory(project);
        Directory.CreateDirectory(home);
        var key = fake.WriteServiceAccountKey(Path.Combine(home, "gcp-key.json"));
        await File.WriteAllTextAsync(Path.Combine(project, ".dstack.yml"), $"type: task\nname: on-gce\ncommands:\n  - echo hello-from-gce \"$DSTACK_NODES_IPS\"\n  - {end}\n");
        await File.WriteAllTextAsync(Path.Combine(home, "config.yml"), $"""
            backends:
              - type: gcp
                project_id: fake-project-1
                creds:
                  type: service_account
                  filename: {key}
                regions: [us-central1]
            """);
        return (project, new Dictionary<string, string>
        {
            ["DSTACK_HOME"] = home,
            ["DSTACK_SSH_CONFIG_INCLUDE"] = "0",
            [GcpBackend.EndpointVariable] = fake.ComputeUri.ToString(),
            [GcpBackend.LoginUserVariable] = NetnsMachines.User,
        });
    }
}
