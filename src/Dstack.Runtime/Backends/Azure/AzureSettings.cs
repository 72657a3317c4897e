using System.Text.RegularExpressions;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Yaml;

namespace Dstack.Runtime.Backends.Azure;

/// <summary>
/// The <c>- type: azure</c> entry of config.yml's <c>backends:</c>, in the shape of dstack's server config.yml:
/// <c>subscription_id</c>, <c>tenant_id</c>, <c>creds</c> (<c>type: default</c>, Azure.Identity's own chain; or
/// <c>type: client</c> with <c>client_id</c> and <c>client_secret</c>, a service principal), <c>regions</c>,
/// <c>vpc_ids</c> (region → <c>resource-group/vnet</c>), <c>public_ips</c> and <c>tags</c>.
/// </summary>
public sealed record AzureSettings
{
    public static readonly IReadOnlyList<string> Keys = ["subscription_id", "tenant_id", "creds", "regions", "vpc_ids", "public_ips", "tags"];

    /// <summary>The subscription VMs are made in (a GUID).</summary>
    public required string SubscriptionId { get; init; }

    /// <summary>The Microsoft Entra tenant of the subscription (a GUID).</summary>
    public required string TenantId { get; init; }

    /// <summary>Null for Azure.Identity's default chain (environment, workload identity, managed identity, Azure CLI).</summary>
    public AzureClientSecret? Client { get; init; }

    /// <summary>The regions runs may use; null for every region of the catalog.</summary>
    public IReadOnlyList<string>? Regions { get; init; }

    /// <summary>Region → <c>resource-group/vnet-name</c> of an existing virtual network; regions without one get dstack's own.</summary>
    public IReadOnlyDictionary<string, string> VpcIds { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether VMs get public IP addresses (dstack's default: true); false reaches them at their private ones.</summary>
    public bool PublicIps { get; init; } = true;

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>A GUID as Azure writes subscription and tenant ids.</summary>
    private static readonly Regex Guid = new(@"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", RegexOptions.CultureInvariant);

    /// <summary>A region name as ARM writes them: <c>eastus</c>, <c>westeurope</c>, <c>eastus2</c>.</summary>
    private static readonly Regex RegionName = new(@"^[a-z]+[0-9]?$", RegexOptions.CultureInvariant);

    /// <summary>An existing virtual network: <c>resource-group/vnet-name</c>.</summary>
    private static readonly Regex VnetId = new(@"^[-\w\._\(\)]+/[-\w\._]+$", RegexOptions.CultureInvariant);

    /// <summary>
    /// Reads the entry; every problem is reported at its place with the value, the rule and the fix, and makes the
    /// result null (a half-read cloud account is never used).
    /// </summary>
    public static AzureSettings? Read(BackendEntry entry, DiagnosticBag diagnostics)
    {
        var valid = entry.HasOnlyKeys(Keys, diagnostics);
        var node = entry.Node;
        var subscription = Id(node, entry, "subscription_id", "the subscription VMs are billed to; `az account show --query id` prints it", diagnostics, ref valid);
        var tenant = Id(node, entry, "tenant_id", "the Microsoft Entra tenant of the subscription; `az account show --query tenantId` prints it", diagnostics, ref valid);
        var client = ReadCreds(node, entry, diagnostics, ref valid);
        var regions = ReadRegions(node["regions"], diagnostics, ref valid);
        var vpcIds = BackendEntryValues.Map(node, "vpc_ids", "a mapping of region to `resource-group/vnet-name`, such as `eastus: network-rg/main-vnet`", diagnostics, ref valid);
        foreach (var (region, vnet) in vpcIds)
        {
            if (!VnetId.IsMatch(vnet))
            {
                var at = ((YamlMapping)node["vpc_ids"]!)[region]!;
                diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, at.Span, $"vpc_ids.{region} is `{vnet}`; it must be `resource-group/vnet-name` (the resource group of an existing virtual network, a slash, its name)");
                valid = false;
            }
        }

        var publicIps = BackendEntryValues.Bool(node, "public_ips", true, diagnostics, ref valid);
        var tags = BackendEntryValues.Map(node, "tags", "a mapping of tag names to values, such as `team: research`", diagnostics, ref valid);
        return valid && subscription is not null && tenant is not null
            ? new AzureSettings { SubscriptionId = subscription, TenantId = tenant, Client = client, Regions = regions, VpcIds = vpcIds, PublicIps = publicIps, Tags = tags }
            : null;
    }

    private static string? Id(YamlMapping node, BackendEntry entry, string key, string what, DiagnosticBag diagnostics, ref bool valid)
    {
        var value = BackendEntryValues.Text(node, key, diagnostics, ref valid);
        if (value is null)
        {
            if (node[key] is null || node[key] is YamlScalar { IsNull: true })
            {
                diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, entry.Span, $"the azure backend has no {key}; add `{key}: <GUID>`, {what}");
                valid = false;
            }

            return null;
        }

        if (!Guid.IsMatch(value))
        {
            diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, node[key]!.Span, $"{key} is `{value}`; it must be a GUID such as 00000000-0000-0000-0000-000000000000, {what}");
            valid = false;
            return null;
        }

        return value.ToLowerInvariant();
    }

    private static AzureClientSecret? ReadCreds(YamlMapping node, BackendEntry entry, DiagnosticBag diagnostics, ref bool valid)
    {
        if (BackendEntryValues.Creds(node, entry, "the azure backend has no creds; add `creds: {type: default}` (Azure.Identity's own chain: environment, managed identity, az login) or `creds: {type: client, client_id: ..., client_secret: ...}`", "a mapping: `type: default`, or `type: client` with client_id and client_secret", diagnostics, ref valid) is not var (mapping, type))
        {
            return null;
        }

        switch (type?.Value)
        {
            case "default":
                BackendEntryValues.UnknownKeys(mapping, key => key == "type", key => $"`{key}` is not a setting of `creds: {{type: default}}`, which reads Azure.Identity's own chain; remove it, or write `type: client` with client_id and client_secret", diagnostics, ref valid);
                return null;
            case "client":
                BackendEntryValues.UnknownKeys(mapping, key => key is "type" or "client_id" or "client_secret", key => $"`{key}` is not a setting of `creds: {{type: client}}`; its keys are client_id and client_secret{(key == "tenant_id" ? "; write tenant_id beside subscription_id, in the backend entry itself" : string.Empty)}", diagnostics, ref valid);
                var id = BackendEntryValues.Text(mapping, "client_id", diagnostics, ref valid);
                var secret = BackendEntryValues.Text(mapping, "client_secret", diagnostics, ref valid);
                if (id is null || secret is null)
                {
                    diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, mapping.Span, "`creds: {type: client}` needs client_id and client_secret (a service principal's application id and one of its client secrets)");
                    valid = false;
                    return null;
                }

                return new AzureClientSecret(id, secret);
            default:
                BackendEntryValues.UnknownCredsType(mapping, type, "write `type: default` (Azure.Identity's own chain) or `type: client` (a service principal)", diagnostics, ref valid);
                return null;
        }
    }

    private static IReadOnlyList<string>? ReadRegions(YamlNode? node, DiagnosticBag diagnostics, ref bool valid) =>
        BackendEntryValues.Regions(node, "a list of Azure regions, such as [eastus, westeurope]", RegionName.IsMatch, NotARegion, diagnostics, ref valid);

    /// <summary>"East US" is the portal's display name; ARM and config.yml use the lower-case name without spaces.</summary>
    private static string NotARegion(string shown, string? text)
    {
        var fix = text is not null && text.Any(char.IsLetter)
            ? $"write its name as ARM writes it: {new string([.. text.ToLowerInvariant().Where(char.IsLetterOrDigit)])}"
            : "write one such as eastus or westeurope";
        return $"{shown} is not an Azure region name; {fix}";
    }
}
