using Dstack.Runtime.Backends;
using Dstack.Runtime.Backends.Aws;
using Dstack.Runtime.Backends.Azure;
using Dstack.Runtime.Backends.Gcp;
using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Tests.Backends;

/// <summary>The regions and creds readers aws, gcp and azure share: each rule once per cloud, with the cloud's words, at its place.</summary>
[Trait("Category", "Fast")]
public sealed class BackendEntryValuesTests
{
    private const string Gcp = "  - type: gcp\n    project_id: my-project-123\n";

    private const string Azure = "  - type: azure\n    subscription_id: 11111111-2222-3333-4444-555555555555\n    tenant_id: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee\n";

    [Theory]
    [InlineData("aws", "  - type: aws\n    creds: {type: default}\n    regions: us-east-1\n", 4, "it must be a list of AWS regions, such as [us-east-1, eu-west-1] (leave it out for every region)")]
    [InlineData("gcp", Gcp + "    creds: {type: default}\n    regions: []\n", 5, "it must be a list of Google Cloud regions, such as [us-central1, europe-west4] (leave it out for every region)")]
    [InlineData("azure", Azure + "    creds: {type: default}\n    regions: {eastus: 1}\n", 6, "it must be a list of Azure regions, such as [eastus, westeurope] (leave it out for every region)")]
    [InlineData("aws", "  - type: aws\n    creds: default\n", 3, "it must be a mapping: `type: default`, or `type: access_key` with access_key and secret_key")]
    [InlineData("gcp", Gcp + "    creds: [default]\n", 4, "it must be a mapping: `type: default`, or `type: service_account` with filename")]
    [InlineData("azure", Azure + "    creds: default\n", 5, "it must be a mapping: `type: default`, or `type: client` with client_id and client_secret")]
    [InlineData("aws", "  - type: aws\n    creds: {access_key: A}\n", 3, "creds type is missing; write `type: default` (the AWS SDK's own chain) or `type: access_key`")]
    [InlineData("gcp", Gcp + "    creds: {filename: key.json}\n", 4, "creds type is missing; write `type: default` (Application Default Credentials)")]
    [InlineData("azure", Azure + "    creds:\n      type: secret\n", 6, "creds type is `secret`; write `type: default` (Azure.Identity's own chain) or `type: client` (a service principal)")]
    [InlineData("gcp", Gcp + "    creds: {type: default}\n    regions: [us-central1-a]\n", 5, "us-central1-a is not a Google Cloud region (that is a zone; write its region us-central1)")]
    [InlineData("azure", Azure + "    creds: {type: default}\n    regions: [East US]\n", 6, "East US is not an Azure region name; write its name as ARM writes it: eastus")]
    public void Problem_HasTheCloudsWords_AtItsLine(string backend, string entry, int line, string message)
    {
        var problems = Read(backend, entry);

        var problem = Assert.Single(problems, p => p.Message.Contains(message, StringComparison.Ordinal));
        Assert.Equal(line, problem.Span.StartLine);
    }

    [Fact]
    public void UnknownCredsKeys_EachAtItsPlace_InOrder()
    {
        var problems = Read("aws", "  - type: aws\n    creds:\n      type: default\n      region: x\n      profile: dev\n");

        Assert.Equal([5, 6], problems.Select(p => p.Span.StartLine));
        Assert.StartsWith("`region` is not a setting of `creds: {type: default}`, which reads the AWS SDK's own chain", problems[0].Message, StringComparison.Ordinal);
        Assert.StartsWith("dstack's AWS config has no profile setting; choose the profile with the environment variable AWS_PROFILE=dev", problems[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Regions_EveryBadItem_IsAProblem_TheGoodOnesKept()
    {
        var diagnostics = new DiagnosticBag("config.yml");
        var config = BackendsConfig.Parse("config.yml", "backends:\n  - type: aws\n    creds: {type: default}\n    regions: [us-east-1, mars, eu-west-1, moon]\n", diagnostics);

        Assert.Null(AwsSettings.Read(config.Find("aws")!, diagnostics));
        Assert.Equal(["mars is not an AWS region; write one such as us-east-1 or eu-west-1", "moon is not an AWS region; write one such as us-east-1 or eu-west-1"], diagnostics.ToSortedList().Select(p => p.Message));
    }

    private static IReadOnlyList<Diagnostic> Read(string backend, string entry)
    {
        var diagnostics = new DiagnosticBag("config.yml");
        var config = BackendsConfig.Parse("config.yml", "backends:\n" + entry, diagnostics);
        var found = config.Find(backend)!;
        object? settings = backend switch
        {
            "aws" => AwsSettings.Read(found, diagnostics),
            "gcp" => GcpSettings.Read(found, diagnostics),
            _ => AzureSettings.Read(found, diagnostics),
        };
        Assert.Null(settings);
        return diagnostics.ToSortedList();
    }
}
