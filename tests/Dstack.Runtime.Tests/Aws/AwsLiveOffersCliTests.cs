using System.Diagnostics;
using System.Text.Json;
using Dstack.Runtime.Tests.Aws.Fake;

namespace Dstack.Runtime.Tests.Aws;

/// <summary>
/// <c>dstack offer -b aws</c> through the real CLI against the fake EC2 endpoint (<c>AWS_ENDPOINT_URL_EC2</c> and the
/// fake's credentials in the environment): the live spot price is shown and cached, the footer and the JSON say where
/// prices come from, and a refused refresh is one warning line with the shipped catalog used.
/// </summary>
public sealed class AwsLiveOffersCliTests : IAsyncLifetime
{
    private static readonly string Cli = RepositoryPaths.Combine("src", "Dstack.Cli", "bin", "Release", "net10.0", "dstack");

    private readonly string _root = Directory.CreateTempSubdirectory("dstack-aws-live-").FullName;
    private FakeEc2 _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeEc2.StartAsync();

    public async Task DisposeAsync()
    {
        await _fake.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Offer_WithCredentials_ShowsTheLiveSpotPrice_AndAsksEc2OncePerHour()
    {
        var environment = await SandboxAsync("live");

        var json = await RunAsync(environment, "offer", "-b", "aws", "--gpu", "A10G", "--spot", "--json");

        Assert.True(json.Code == 0, json.ToString());
        Assert.Equal(string.Empty, json.Error);
        var root = JsonDocument.Parse(json.Output).RootElement;
        var g5 = root.GetProperty("offers").EnumerateArray().First(o => o.GetProperty("instance").GetString() == "g5.xlarge");
        Assert.Equal(0.45m, g5.GetProperty("price").GetDecimal());
        var prices = Assert.Single(root.GetProperty("prices").EnumerateArray().ToList());
        Assert.Equal(("aws", "live", "2026-12-04"), (prices.GetProperty("backend").GetString(), prices.GetProperty("source").GetString(), prices.GetProperty("catalog_date").GetString()));
        Assert.StartsWith("live from EC2 at ", prices.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Single(_fake.CallsTo("DescribeSpotPriceHistory"));
        Assert.True(File.Exists(Path.Combine(environment["DSTACK_HOME"], "cache", "aws-offers.json")));

        var text = await RunAsync(environment, "offer", "-b", "aws", "--gpu", "A10G", "--spot");

        Assert.True(text.Code == 0, text.ToString());
        Assert.Contains(" prices (aws): live from EC2 at ", text.Output, StringComparison.Ordinal);
        Assert.Contains("catalog of 2026-12-04", text.Output, StringComparison.Ordinal);
        Assert.Single(_fake.CallsTo("DescribeSpotPriceHistory"));
    }

    [Fact]
    public async Task Offer_RefreshRefused_WarnsOnce_AndUsesTheShippedCatalog()
    {
        var environment = await SandboxAsync("refused");
        _fake.FailNext("DescribeInstanceTypeOfferings", "UnauthorizedOperation", 403, times: 100);

        var offer = await RunAsync(environment, "offer", "-b", "aws", "--gpu", "A10G", "--spot");

        Assert.True(offer.Code == 0, offer.ToString());
        var warning = Assert.Single(offer.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("dstack: warning: aws: live offers not read (us-east-1: UnauthorizedOperation: the credentials may not read offers; grant ec2:DescribeInstanceTypeOfferings", warning, StringComparison.Ordinal);
        Assert.EndsWith("prices come from the shipped EC2 catalog of 2026-12-04", warning, StringComparison.Ordinal);
        Assert.Contains(" prices (aws): EC2 catalog of 2026-12-04 (shipped)", offer.Output, StringComparison.Ordinal);
        Assert.Contains("0.3521", offer.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Offer_WithoutCredentials_AsksNothing_SaysNothing_AndRemembersItForAnHour()
    {
        var environment = await SandboxAsync("no-credentials");
        environment.Remove("AWS_ACCESS_KEY_ID");
        environment.Remove("AWS_SECRET_ACCESS_KEY");
        // No profile files either: HOME is an empty folder; instance metadata is the chain's last source.
        environment["HOME"] = Directory.CreateDirectory(Path.Combine(_root, "no-credentials", "user")).FullName;

        var offer = await RunAsync(environment, "offer", "-b", "aws", "--gpu", "A10G", "--spot");

        Assert.True(offer.Code == 0, offer.ToString());
        Assert.Equal(string.Empty, offer.Error);
        Assert.Contains(" prices (aws): EC2 catalog of 2026-12-04 (shipped)", offer.Output, StringComparison.Ordinal);
        Assert.Empty(_fake.Calls);
        Assert.True(File.Exists(Path.Combine(environment["DSTACK_HOME"], "cache", "aws-offers.no-credentials")));
        Assert.False(File.Exists(Path.Combine(environment["DSTACK_HOME"], "cache", "aws-offers.json")));
    }

    private async Task<Dictionary<string, string>> SandboxAsync(string name)
    {
        var folder = Path.Combine(_root, name);
        var home = Path.Combine(folder, "home");
        Directory.CreateDirectory(home);
        await File.WriteAllTextAsync(Path.Combine(folder, ".dstack.yml"), "type: task\ncommands: [nvidia-smi]\n");
        await File.WriteAllTextAsync(Path.Combine(home, "config.yml"), "backends:\n  - type: aws\n    creds:\n      type: default\n    regions: [us-east-1]\n");
        return new Dictionary<string, string>(_fake.Environment()) { ["DSTACK_HOME"] = home, ["DSTACK_TEST_FOLDER"] = folder };
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(Dictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo(Cli) { WorkingDirectory = environment["DSTACK_TEST_FOLDER"], RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await error);
    }
}
