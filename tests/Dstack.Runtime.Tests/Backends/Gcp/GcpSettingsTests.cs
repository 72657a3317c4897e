using Dstack.Runtime.Backends;
using Dstack.Runtime.Backends.Gcp;
using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Tests.Backends.Gcp;

/// <summary>The <c>- type: gcp</c> entry of config.yml, in dstack's shape, with every problem at its place.</summary>
[Trait("Category", "Fast")]
public sealed class GcpSettingsTests
{
    [Fact]
    public void Read_EveryKey_IsKept()
    {
        var (settings, problems) = Read("""
            backends:
              - type: gcp
                project_id: my-project-123
                creds:
                  type: service_account
                  filename: keys/runner.json
                regions: [us-central1, europe-west4]
                vpc_name: research-net
                subnet: research-sub
                public_ips: false
                tags:
                  team: research
            """);

        Assert.Empty(problems);
        Assert.Equal("my-project-123", settings!.ProjectId);
        Assert.Equal(Path.Combine("/etc/dstack", "keys", "runner.json"), settings.ServiceAccountFile);
        Assert.Equal(["us-central1", "europe-west4"], settings.Regions);
        Assert.Equal("research-net", settings.VpcName);
        Assert.Equal("research-sub", settings.Subnet);
        Assert.False(settings.PublicIps);
        Assert.Equal("research", settings.Tags["team"]);
    }

    [Fact]
    public void Read_DefaultCreds_Adc_AndDstacksDefaults()
    {
        var (settings, problems) = Read("backends:\n  - type: gcp\n    project_id: my-project-123\n    creds:\n      type: default\n");

        Assert.Empty(problems);
        Assert.Null(settings!.ServiceAccountFile);
        Assert.Null(settings.Regions);
        Assert.Equal("default", settings.VpcName);
        Assert.Null(settings.Subnet);
        Assert.True(settings.PublicIps);
        Assert.Empty(settings.Tags);
    }

    [Theory]
    [InlineData("backends:\n  - type: gcp\n    creds: {type: default}\n", 2, 11, "has no project_id; add `project_id: my-project`")]
    [InlineData("backends:\n  - type: gcp\n    project_id: My Project\n    creds: {type: default}\n", 3, 17, "project_id `My Project` is not a Google Cloud project id")]
    [InlineData("backends:\n  - type: gcp\n    project_id: my-project-123\n", 2, 11, "has no creds")]
    [InlineData("backends:\n  - type: gcp\n    project_id: my-project-123\n    creds: {type: oauth}\n", 4, 19, "creds type is `oauth`; write `type: default`")]
    [InlineData("backends:\n  - type: gcp\n    project_id: my-project-123\n    creds: {type: service_account}\n", 4, 12, "needs filename")]
    [InlineData("backends:\n  - type: gcp\n    project_id: my-project-123\n    creds: {type: service_account, data: x}\n", 4, 36, "save the JSON and name it in filename")]
    [InlineData("backends:\n  - type: gcp\n    project_id: my-project-123\n    creds: {type: default, filename: a.json}\n", 4, 28, "`filename` is not a setting of `creds: {type: default}`")]
    [InlineData("backends:\n  - type: gcp\n    project_id: my-project-123\n    creds: {type: default}\n    regions: [us-central1, us-central1-a]\n", 5, 28, "us-central1-a is not a Google Cloud region (that is a zone; write its region us-central1)")]
    [InlineData("backends:\n  - type: gcp\n    project_id: my-project-123\n    creds: {type: default}\n    region: [us-central1]\n", 5, 5, "did you mean regions?")]
    [InlineData("backends:\n  - type: gcp\n    project_id: my-project-123\n    creds: {type: default}\n    public_ips: maybe\n", 5, 17, "public_ips is")]
    [InlineData("backends:\n  - type: gcp\n    project_id: my-project-123\n    creds: {type: default}\n    vpc_name: projects/p/global/networks/n\n", 5, 15, "write the name, not its URL")]
    [InlineData("backends:\n  - type: gcp\n    project_id: my-project-123\n    creds: {type: default}\n    tags: {Team: x}\n", 5, 12, "`Team` is not a Compute Engine label key")]
    [InlineData("backends:\n  - type: gcp\n    project_id: my-project-123\n    creds: {type: default}\n    tags: {team: Research}\n", 5, 18, "tags.team is `Research`")]
    public void Read_Problem_IsAtItsPlace_AndLeavesTheBackendOut(string text, int line, int column, string message)
    {
        var (settings, problems) = Read(text);

        Assert.Null(settings);
        var problem = Assert.Single(problems, p => p.Message.Contains(message, StringComparison.Ordinal));
        Assert.Equal((line, column), (problem.Span.StartLine, problem.Span.StartColumn));
        Assert.Equal(DiagnosticSeverity.Error, problem.Severity);
        Assert.Equal(DiagnosticCodes.HostsConfigInvalid, problem.Code);
    }

    private static (GcpSettings? Settings, IReadOnlyList<Diagnostic> Problems) Read(string text)
    {
        var diagnostics = new DiagnosticBag("config.yml");
        var config = BackendsConfig.Parse("config.yml", text, diagnostics);
        var settings = GcpSettings.Read(config.Find("gcp")!, diagnostics, "/etc/dstack");
        return (settings, diagnostics.ToSortedList());
    }
}
