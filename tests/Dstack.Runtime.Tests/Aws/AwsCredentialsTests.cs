using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Dstack.Runtime.Tests.Aws.Fake;

namespace Dstack.Runtime.Tests.Aws;

/// <summary>
/// <c>creds: {type: default}</c> with profiles beyond plain keys, through the real CLI (<c>dstack backend check aws</c>,
/// one DescribeRegions) with the profile chosen by <c>AWS_PROFILE</c> in a temporary <c>~/.aws/config</c>: an
/// assume-role profile (<c>role_arn</c> + <c>source_profile</c>) whose AssumeRole goes to a fake STS, and an SSO
/// profile (<c>sso_session</c>) whose cached token is exchanged at a fake SSO portal; in both, the fake EC2 accepts only
/// calls signed with the key the fake handed out, so a pass means the SDK's chain used the profile end to end.
/// </summary>
public sealed class AwsCredentialsTests
{
    private static readonly string Cli = RepositoryPaths.Combine("src", "Dstack.Cli", "bin", "Release", "net10.0", "dstack");

    private const string SourceKey = "AKIAFAKESOURCE000001";

    private const string RoleArn = "arn:aws:iam::123456789012:role/dstack-runner";

    [Fact]
    public async Task BackendCheck_AssumeRoleProfile_SignsEc2CallsWithTheAssumedRolesKey()
    {
        await using var identity = await FakeAwsIdentity.StartAsync(SourceKey, ssoToken: "unused");
        await using var ec2 = await FakeEc2.StartAsync(accessKey: FakeAwsIdentity.IssuedAccessKey, secretKey: FakeAwsIdentity.IssuedSecretKey);
        using var sandbox = new Sandbox();
        sandbox.Write(".aws/config", $"""
            [profile base]
            region = us-east-1

            [profile runner]
            role_arn = {RoleArn}
            source_profile = base
            role_session_name = dstack-test
            region = us-east-1
            """);
        sandbox.Write(".aws/credentials", $"""
            [base]
            aws_access_key_id = {SourceKey}
            aws_secret_access_key = fake-source-secret
            """);

        var check = await sandbox.RunAsync(identity, ec2, "runner", "backend", "check", "aws");

        Assert.True(check.Code == 0, check.ToString());
        var assume = Assert.Single(identity.Calls);
        Assert.Equal(("AssumeRole", (string?)null, RoleArn, "dstack-test"), (assume.Action, assume.Refused, assume.Parameters["RoleArn"], assume.Parameters["RoleSessionName"]));
        Assert.Equal("DescribeRegions", Assert.Single(ec2.Calls).Action);
        Assert.Equal(200, ec2.Calls[0].Status);
        Assert.DoesNotContain(FakeAwsIdentity.IssuedSecretKey, check.Output + check.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeAwsIdentity.IssuedSessionToken, check.Output + check.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackendCheck_AssumeRoleRefused_SaysWhichRoleAndProfile_WithoutCrashing()
    {
        await using var identity = await FakeAwsIdentity.StartAsync(SourceKey, ssoToken: "unused");
        await using var ec2 = await FakeEc2.StartAsync(accessKey: FakeAwsIdentity.IssuedAccessKey, secretKey: FakeAwsIdentity.IssuedSecretKey);
        using var sandbox = new Sandbox();
        sandbox.Write(".aws/config", $"[profile runner]\nrole_arn = {RoleArn}\nsource_profile = base\nregion = us-east-1\n");
        sandbox.Write(".aws/credentials", "[base]\naws_access_key_id = AKIAFAKEOTHER0000001\naws_secret_access_key = fake-other-secret\n");

        var check = await sandbox.RunAsync(identity, ec2, "runner", "backend", "check", "aws");

        Assert.True(check.Code == 1, check.ToString());
        Assert.Equal("signature", Assert.Single(identity.Calls).Refused);
        Assert.Empty(ec2.Calls);
        Assert.Contains("refused", check.Output, StringComparison.Ordinal);
        Assert.Contains(RoleArn, check.Output, StringComparison.Ordinal);
        Assert.Contains("profile runner (AWS_PROFILE)", check.Output, StringComparison.Ordinal);
        Assert.Contains("not authorized", check.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", check.Output + check.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("fake-other-secret", check.Output + check.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackendCheck_SsoProfileWithACachedToken_SignsEc2CallsWithThePortalsRoleCredentials()
    {
        const string token = "fake-sso-access-token";
        await using var identity = await FakeAwsIdentity.StartAsync(SourceKey, token);
        await using var ec2 = await FakeEc2.StartAsync(accessKey: FakeAwsIdentity.IssuedAccessKey, secretKey: FakeAwsIdentity.IssuedSecretKey);
        using var sandbox = new Sandbox();
        sandbox.Write(".aws/config", """
            [profile sso-dev]
            sso_session = corp
            sso_account_id = 111122223333
            sso_role_name = Developer
            region = us-east-1

            [sso-session corp]
            sso_start_url = https://corp.example.com/start
            sso_region = us-east-1
            sso_registration_scopes = sso:account:access
            """);
        // The token cache of an `aws sso login` (the SDK's name for it: the SHA-1 of the session's name, in hex).
        var cacheName = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes("corp"))) + ".json";
        sandbox.Write($".aws/sso/cache/{cacheName}", $$"""
            {"startUrl": "https://corp.example.com/start", "region": "us-east-1", "accessToken": "{{token}}",
             "expiresAt": "{{DateTime.UtcNow.AddHours(8):yyyy-MM-ddTHH:mm:ssZ}}",
             "clientId": "fake-client", "clientSecret": "fake-client-secret", "registrationExpiresAt": "{{DateTime.UtcNow.AddDays(30):yyyy-MM-ddTHH:mm:ssZ}}",
             "refreshToken": "fake-refresh-token"}
            """);

        var check = await sandbox.RunAsync(identity, ec2, "sso-dev", "backend", "check", "aws");

        Assert.True(check.Code == 0, check.ToString() + string.Join('\n', identity.Calls));
        var call = Assert.Single(identity.Calls);
        Assert.Equal(("GetRoleCredentials", (string?)null, "111122223333", "Developer"), (call.Action, call.Refused, call.Parameters["account_id"], call.Parameters["role_name"]));
        Assert.Equal("DescribeRegions", Assert.Single(ec2.Calls).Action);
        Assert.Equal(200, ec2.Calls[0].Status);
        Assert.DoesNotContain(token, check.Output + check.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeAwsIdentity.IssuedSecretKey, check.Output + check.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackendCheck_SsoProfileWithAnExpiredToken_SaysToLogIn_WithoutCrashingOrCallingAws()
    {
        await using var identity = await FakeAwsIdentity.StartAsync(SourceKey, "fake-sso-access-token");
        await using var ec2 = await FakeEc2.StartAsync(accessKey: FakeAwsIdentity.IssuedAccessKey, secretKey: FakeAwsIdentity.IssuedSecretKey);
        using var sandbox = new Sandbox();
        sandbox.Write(".aws/config", "[profile sso-dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Developer\nregion = us-east-1\n\n[sso-session corp]\nsso_start_url = https://corp.example.com/start\nsso_region = us-east-1\n");
        var cacheName = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes("corp"))) + ".json";
        sandbox.Write($".aws/sso/cache/{cacheName}", $$"""
            {"startUrl": "https://corp.example.com/start", "region": "us-east-1", "accessToken": "fake-sso-access-token",
             "expiresAt": "{{DateTime.UtcNow.AddHours(-1):yyyy-MM-ddTHH:mm:ssZ}}"}
            """);

        var check = await sandbox.RunAsync(identity, ec2, "sso-dev", "backend", "check", "aws");

        Assert.True(check.Code == 1, check.ToString());
        Assert.Contains("refused", check.Output, StringComparison.Ordinal);
        Assert.Contains("profile sso-dev (AWS_PROFILE)", check.Output, StringComparison.Ordinal);
        Assert.Contains("aws sso login", check.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", check.Output + check.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("fake-sso-access-token", check.Output + check.Error, StringComparison.Ordinal);
        Assert.Empty(ec2.Calls);
    }

    /// <summary>A user's home (with ~/.aws) and a DSTACK_HOME whose config.yml has the aws backend with the default chain.</summary>
    private sealed class Sandbox : IDisposable
    {
        private readonly string _root = Directory.CreateTempSubdirectory("dstack-aws-creds-").FullName;

        public Sandbox()
        {
            Directory.CreateDirectory(Path.Combine(_root, "dstack"));
            File.WriteAllText(Path.Combine(_root, "dstack", "config.yml"), "backends:\n  - type: aws\n    creds:\n      type: default\n    regions: [us-east-1]\n");
        }

        public void Write(string relative, string text)
        {
            var path = Path.Combine(_root, "home", relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }

        /// <summary>The CLI with only the profile to go by: no key variables, no instance metadata, every endpoint a fake.</summary>
        public async Task<(int Code, string Output, string Error)> RunAsync(FakeAwsIdentity identity, FakeEc2 ec2, string profile, params string[] args)
        {
            var home = Path.Combine(_root, "home");
            var start = new ProcessStartInfo(Cli) { WorkingDirectory = _root, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
            {
                start.Environment.Remove(name);
            }

            start.Environment["HOME"] = home;
            start.Environment["DSTACK_HOME"] = Path.Combine(_root, "dstack");
            start.Environment["NO_COLOR"] = "1";
            start.Environment["AWS_CONFIG_FILE"] = Path.Combine(home, ".aws", "config");
            start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(home, ".aws", "credentials");
            start.Environment["AWS_PROFILE"] = profile;
            start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
            start.Environment["AWS_ENDPOINT_URL_EC2"] = ec2.Url;
            start.Environment["AWS_ENDPOINT_URL_STS"] = identity.Url;
            start.Environment["AWS_ENDPOINT_URL_SSO"] = identity.Url;
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

        public void Dispose() => Directory.Delete(_root, recursive: true);
    }
}
