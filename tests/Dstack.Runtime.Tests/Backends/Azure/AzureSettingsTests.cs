using Dstack.Runtime.Backends;
using Dstack.Runtime.Backends.Azure;
using Dstack.Runtime.Backends.Local;
using Dstack.Runtime.Containers;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Python;
using Dstack.Runtime.Resources;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Tests.Backends.Azure;

/// <summary>The <c>- type: azure</c> entry of config.yml, in dstack's shape, with every problem at its place.</summary>
[Trait("Category", "Fast")]
public sealed class AzureSettingsTests
{
    private const string Subscription = "11111111-2222-3333-4444-555555555555";
    private const string Tenant = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    private const string Head = $"backends:\n  - type: azure\n    subscription_id: {Subscription}\n    tenant_id: {Tenant}\n";

    [Fact]
    public void Read_EveryKey_IsKept_AndTheSecretIsNeverPrinted()
    {
        var (settings, problems) = Read(Head + """
                creds:
                  type: client
                  client_id: 0b7e3c1a-0000-4000-8000-000000000001
                  client_secret: not-a-real-secret
                regions: [eastus, westeurope]
                vpc_ids:
                  eastus: network-rg/main-vnet
                public_ips: false
                tags:
                  team: research
            """);

        Assert.Empty(problems);
        Assert.Equal(Subscription, settings!.SubscriptionId);
        Assert.Equal(Tenant, settings.TenantId);
        Assert.Equal(new AzureClientSecret("0b7e3c1a-0000-4000-8000-000000000001", "not-a-real-secret"), settings.Client);
        Assert.Equal(["eastus", "westeurope"], settings.Regions);
        Assert.Equal("network-rg/main-vnet", settings.VpcIds["eastus"]);
        Assert.False(settings.PublicIps);
        Assert.Equal("research", settings.Tags["team"]);
        Assert.DoesNotContain("not-a-real-secret", settings.Client!.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-real-secret", AzureCredentialsSource.Describe(settings), StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-real-secret", settings.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_DefaultCreds_TheIdentityChain_AndDstacksDefaults()
    {
        var (settings, problems) = Read(Head + "    creds:\n      type: default\n");

        Assert.Empty(problems);
        Assert.Null(settings!.Client);
        Assert.Null(settings.Regions);
        Assert.Empty(settings.VpcIds);
        Assert.True(settings.PublicIps);
    }

    [Theory]
    [InlineData("backends:\n  - type: azure\n    tenant_id: " + Tenant + "\n    creds: {type: default}\n", 2, 11, "has no subscription_id; add `subscription_id: <GUID>`")]
    [InlineData("backends:\n  - type: azure\n    subscription_id: " + Subscription + "\n    creds: {type: default}\n", 2, 11, "has no tenant_id")]
    [InlineData("backends:\n  - type: azure\n    subscription_id: my-sub\n    tenant_id: " + Tenant + "\n    creds: {type: default}\n", 3, 22, "subscription_id is `my-sub`; it must be a GUID")]
    [InlineData(Head, 2, 11, "has no creds")]
    [InlineData(Head + "    creds:\n      type: secret\n", 6, 13, "creds type is `secret`; write `type: default`")]
    [InlineData(Head + "    creds:\n      type: client\n      client_id: abc\n", 6, 7, "needs client_id and client_secret")]
    [InlineData(Head + "    creds:\n      type: client\n      client_id: a\n      client_secret: b\n      tenant_id: c\n", 9, 7, "write tenant_id beside subscription_id")]
    [InlineData(Head + "    creds:\n      type: default\n      client_id: a\n", 7, 7, "is not a setting of `creds: {type: default}`")]
    [InlineData(Head + "    creds: {type: default}\n    regions: [eastus, East US]\n", 6, 23, "East US is not an Azure region name; write its name as ARM writes it: eastus")]
    [InlineData(Head + "    creds: {type: default}\n    region: [eastus]\n", 6, 5, "did you mean regions?")]
    [InlineData(Head + "    creds: {type: default}\n    public_ips: maybe\n", 6, 17, "public_ips is")]
    [InlineData(Head + "    creds: {type: default}\n    vpc_ids: {eastus: main-vnet}\n", 6, 23, "vpc_ids.eastus is `main-vnet`; it must be `resource-group/vnet-name`")]
    [InlineData(Head + "    creds: {type: default}\n    tags: [a]\n", 6, 11, "tags is")]
    public void Read_Problem_IsAtItsPlace_AndLeavesTheBackendOut(string text, int line, int column, string message)
    {
        var (settings, problems) = Read(text);

        Assert.Null(settings);
        var problem = Assert.Single(problems, p => p.Message.Contains(message, StringComparison.Ordinal));
        Assert.Equal((line, column), (problem.Span.StartLine, problem.Span.StartColumn));
        Assert.Equal(DiagnosticSeverity.Error, problem.Severity);
        Assert.Equal(DiagnosticCodes.HostsConfigInvalid, problem.Code);
    }

    [Fact]
    public void Registry_AzureEntry_IsTheAzureBackend()
    {
        var home = new DstackHome(Path.Combine(Path.GetTempPath(), "dstack-azure-" + Guid.NewGuid().ToString("N")[..8]));
        Directory.CreateDirectory(home.Root);
        try
        {
            File.WriteAllText(home.ConfigFile, Head + "    creds: {type: default}\n");
            var machine = new LocalMachineFacts(
                () => new MachineResources(4, new Memory(16), new Memory(100), []),
                (_, _) => new PythonLookup("/usr/bin/python3", "3.11.2", []),
                () => new DockerProbe(false, null, "no Docker engine (a test machine)"));

            var configured = BackendRegistry.Read(home, BackendContext.Synchronous(machine));

            Assert.Empty(configured.Problems);
            Assert.Equal(["local", "azure"], configured.Catalog.Backends.Select(b => b.Name));
            Assert.Equal("Azure VMs in every region of the catalog", configured.Catalog.BackendOf("azure")!.Summary);
        }
        finally
        {
            Directory.Delete(home.Root, recursive: true);
        }
    }

    private static (AzureSettings? Settings, IReadOnlyList<Diagnostic> Problems) Read(string text)
    {
        var diagnostics = new DiagnosticBag("config.yml");
        var config = BackendsConfig.Parse("config.yml", text, diagnostics);
        var settings = AzureSettings.Read(config.Find("azure")!, diagnostics);
        return (settings, diagnostics.ToSortedList());
    }
}
