using Dstack.Runtime.Backends;
using Dstack.Runtime.Backends.Aws;
using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Tests.Backends.Aws;

/// <summary>The <c>- type: aws</c> entry of config.yml, in dstack's shape, with every problem at its place.</summary>
[Trait("Category", "Fast")]
public sealed class AwsSettingsTests
{
    [Fact]
    public void Read_EveryKey_IsKept()
    {
        var (settings, problems) = Read("""
            backends:
              - type: aws
                creds:
                  type: access_key
                  access_key: AKIAEXAMPLE
                  secret_key: not-a-real-secret
                regions: [us-east-1, eu-west-1]
                vpc_ids:
                  us-east-1: vpc-0a1b2c3d
                default_vpcs: false
                public_ips: false
                tags:
                  team: research
                os_images:
                  nvidia:
                    name: my-cuda-image
                    owner: "123456789012"
                    user: ubuntu
            """);

        Assert.Empty(problems);
        Assert.Equal(new AwsAccessKey("AKIAEXAMPLE", "not-a-real-secret"), settings!.AccessKey);
        Assert.Equal(["us-east-1", "eu-west-1"], settings.Regions);
        Assert.Equal("vpc-0a1b2c3d", settings.VpcIds["us-east-1"]);
        Assert.False(settings.DefaultVpcs);
        Assert.False(settings.PublicIps);
        Assert.Equal("research", settings.Tags["team"]);
        Assert.Equal(new AwsOsImage("my-cuda-image", "123456789012", "ubuntu"), settings.NvidiaImage);
        Assert.Null(settings.CpuImage);
        Assert.DoesNotContain("not-a-real-secret", settings.AccessKey!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_DefaultCreds_TheSdksChain_AndDstacksDefaults()
    {
        var (settings, problems) = Read("backends:\n  - type: aws\n    creds:\n      type: default\n");

        Assert.Empty(problems);
        Assert.Null(settings!.AccessKey);
        Assert.Null(settings.Regions);
        Assert.True(settings.DefaultVpcs);
        Assert.True(settings.PublicIps);
    }

    [Theory]
    [InlineData("backends:\n  - type: aws\n", 2, 11, "has no creds")]
    [InlineData("backends:\n  - type: aws\n    creds:\n      type: keys\n", 4, 13, "creds type is `keys`; write `type: default`")]
    [InlineData("backends:\n  - type: aws\n    creds:\n      type: access_key\n      access_key: A\n", 4, 7, "needs access_key and secret_key")]
    [InlineData("backends:\n  - type: aws\n    creds:\n      type: default\n      profile: dev\n", 5, 7, "dstack's AWS config has no profile setting; choose the profile with the environment variable AWS_PROFILE=dev")]
    [InlineData("backends:\n  - type: aws\n    creds: {type: default}\n    regions: [us-east-1, mars-1]\n", 4, 26, "mars-1 is not an AWS region")]
    [InlineData("backends:\n  - type: aws\n    creds: {type: default}\n    region: [us-east-1]\n", 4, 5, "did you mean regions?")]
    [InlineData("backends:\n  - type: aws\n    creds: {type: default}\n    public_ips: maybe\n", 4, 17, "public_ips is")]
    [InlineData("backends:\n  - type: aws\n    creds: {type: default}\n    vpc_name: main\n    vpc_ids: {us-east-1: vpc-1}\n", 5, 14, "vpc_name or vpc_ids, not both")]
    [InlineData("backends:\n  - type: aws\n    creds: {type: default}\n    os_images:\n      cpu: {name: img, user: ubuntu, owner: canonical}\n", 5, 45, "must be an AWS account id (12 digits), self, amazon or aws-marketplace")]
    public void Read_Problem_IsAtItsPlace_AndLeavesTheBackendOut(string text, int line, int column, string message)
    {
        var (settings, problems) = Read(text);

        Assert.Null(settings);
        var problem = Assert.Single(problems, p => p.Message.Contains(message, StringComparison.Ordinal));
        Assert.Equal((line, column), (problem.Span.StartLine, problem.Span.StartColumn));
        Assert.Equal(DiagnosticSeverity.Error, problem.Severity);
    }

    private static (AwsSettings? Settings, IReadOnlyList<Diagnostic> Problems) Read(string text)
    {
        var diagnostics = new DiagnosticBag("config.yml");
        var config = BackendsConfig.Parse("config.yml", text, diagnostics);
        var settings = AwsSettings.Read(config.Find("aws")!, diagnostics);
        return (settings, diagnostics.ToSortedList());
    }
}
