using System.Diagnostics;
using Dstack.Runtime.Backends.Aws;
using Dstack.Runtime.Tests.Aws.Fake;

namespace Dstack.Runtime.Tests.Aws;

/// <summary>
/// <c>dstack backend check aws</c> through the real CLI against the fake EC2 endpoint: credentials that work, a missing
/// IAM permission (named, with the list the backend needs and where the policy is), credentials AWS refuses (named,
/// never with their secret), and an endpoint that does not answer; none of them crashes.
/// </summary>
public sealed class AwsBackendCheckTests : IAsyncLifetime
{
    private const string WrongKey = "AKIAWRONGKEY00000042";
    private const string WrongSecret = "wrong-secret-value-do-not-print";

    private static readonly string Cli = RepositoryPaths.Combine("src", "Dstack.Cli", "bin", "Release", "net10.0", "dstack");

    private readonly string _root = Directory.CreateTempSubdirectory("dstack-aws-check-").FullName;
    private FakeEc2 _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeEc2.StartAsync();

    public async Task DisposeAsync()
    {
        await _fake.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Check_GoodCredentials_IsOk()
    {
        var check = await CheckAsync(_fake.AccessKey, _fake.SecretKey);

        Assert.True(check.Code == 0, check.ToString());
        Assert.Matches(@"aws\s+us-east-1\s+ok\s+", check.Output);
        Assert.Contains("access key ****0001 of config.yml", check.Output, StringComparison.Ordinal);
        AssertNoCredentials(check, _fake.AccessKey, _fake.SecretKey);
    }

    [Fact]
    public async Task Check_MissingPermission_NamesIt_ListsWhatTheBackendNeeds_AndPointsToTheDocs()
    {
        _fake.FailNext("DescribeRegions", "UnauthorizedOperation", 403, "You are not authorized to perform this operation.");

        var check = await CheckAsync(_fake.AccessKey, _fake.SecretKey);

        Assert.True(check.Code != 0, check.ToString());
        Assert.Matches(@"aws\s+us-east-1\s+refused\s+", check.Output);
        Assert.Contains("may not call ec2:DescribeRegions", check.Output, StringComparison.Ordinal);
        Assert.All(AwsCompute.Permissions, p => Assert.Contains(p, check.Output, StringComparison.Ordinal));
        Assert.Contains("docs/backends.md", check.Output, StringComparison.Ordinal);
        AssertNoCredentials(check, _fake.AccessKey, _fake.SecretKey);
    }

    [Fact]
    public async Task Check_CredentialsAwsRefuses_NamesThem_WithoutTheirSecret()
    {
        var check = await CheckAsync(WrongKey, WrongSecret);

        Assert.True(check.Code != 0, check.ToString());
        Assert.Contains("AuthFailure: AWS refused the credentials (access key ****0042 of config.yml)", check.Output, StringComparison.Ordinal);
        Assert.Contains("creds in config.yml", check.Output, StringComparison.Ordinal);
        AssertNoCredentials(check, WrongKey, WrongSecret);
    }

    [Fact]
    public async Task Check_EndpointThatDoesNotAnswer_SaysSo_AndDoesNotCrash()
    {
        var check = await CheckAsync(_fake.AccessKey, _fake.SecretKey, endpoint: "http://127.0.0.1:9");

        Assert.True(check.Code != 0, check.ToString());
        Assert.Matches(@"aws\s+us-east-1\s+unreachable\s+", check.Output);
        Assert.Contains("EC2 could not be reached at http://127.0.0.1:9", check.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", check.Error, StringComparison.Ordinal);
    }

    private static void AssertNoCredentials((int Code, string Output, string Error) check, string key, string secret)
    {
        Assert.DoesNotContain(key, check.Output + check.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, check.Output + check.Error, StringComparison.Ordinal);
    }

    private async Task<(int Code, string Output, string Error)> CheckAsync(string key, string secret, string? endpoint = null)
    {
        var home = Path.Combine(_root, Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(home);
        await File.WriteAllTextAsync(Path.Combine(home, "config.yml"), $"backends:\n  - type: aws\n    creds:\n      type: access_key\n      access_key: {key}\n      secret_key: {secret}\n    regions: [us-east-1]\n");
        var start = new ProcessStartInfo(Cli, ["backend", "check", "aws"]) { WorkingDirectory = _root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["DSTACK_HOME"] = home;
        start.Environment["AWS_ENDPOINT_URL_EC2"] = endpoint ?? _fake.Url;
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["COLUMNS"] = "400";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
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
