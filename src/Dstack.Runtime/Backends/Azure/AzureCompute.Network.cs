using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.ResourceManager.Resources;

namespace Dstack.Runtime.Backends.Azure;

/// <summary>
/// The network of dstack's VMs, as generic Microsoft.Network resources (Azure.ResourceManager.Network does not restore
/// here): a network security group that lets SSH (22) in, a virtual network with one subnet behind it, and a VM's
/// addresses read back from its public IP or NIC.
/// </summary>
public sealed partial class AzureCompute
{
    /// <summary>The security group dstack makes in each of its resource groups.</summary>
    public const string SecurityGroupName = "dstack-nsg";

    /// <summary>The virtual network dstack makes in each of its resource groups, and its subnet.</summary>
    public const string NetworkName = "dstack-vnet";

    public const string SubnetName = "default";

    private static readonly ResourceType SecurityGroupType = new("Microsoft.Network/networkSecurityGroups");

    private static readonly ResourceType NetworkType = new("Microsoft.Network/virtualNetworks");

    private static readonly ResourceType NicType = new("Microsoft.Network/networkInterfaces");

    /// <summary>Makes (or updates) the security group allowing 22 in and the virtual network behind it; returns the subnet's id.</summary>
    public async Task<string> EnsureNetworkAsync(string resourceGroup, string region, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        var groupId = $"/subscriptions/{_subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Network";
        var securityGroupId = $"{groupId}/networkSecurityGroups/{SecurityGroupName}";
        var rules = new JsonArray(
            new JsonObject
            {
                ["name"] = "dstack-ssh",
                ["properties"] = new JsonObject
                {
                    ["priority"] = 1000, ["direction"] = "Inbound", ["access"] = "Allow", ["protocol"] = "Tcp",
                    ["sourceAddressPrefix"] = "*", ["sourcePortRange"] = "*", ["destinationAddressPrefix"] = "*", ["destinationPortRange"] = "22",
                },
            });
        await PutAsync(securityGroupId, region, tags, new JsonObject { ["securityRules"] = rules }, cancellationToken).ConfigureAwait(false);
        var networkId = $"{groupId}/virtualNetworks/{NetworkName}";
        await PutAsync(networkId, region, tags, new JsonObject
        {
            ["addressSpace"] = new JsonObject { ["addressPrefixes"] = new JsonArray("10.0.0.0/16") },
            ["subnets"] = new JsonArray(
                new JsonObject
                {
                    ["name"] = SubnetName,
                    ["properties"] = new JsonObject { ["addressPrefix"] = "10.0.0.0/20", ["networkSecurityGroup"] = new JsonObject { ["id"] = securityGroupId } },
                }),
        }, cancellationToken).ConfigureAwait(false);
        return $"{networkId}/subnets/{SubnetName}";
    }

    /// <summary>The subnet of an existing virtual network named by <c>vpc_ids</c> (<c>resource-group/vnet-name</c>): its <c>default</c> subnet.</summary>
    public string SubnetOf(string vpcId)
    {
        var parts = vpcId.Split('/');
        return $"/subscriptions/{_subscriptionId}/resourceGroups/{parts[0]}/providers/Microsoft.Network/virtualNetworks/{parts[1]}/subnets/{SubnetName}";
    }

    /// <summary>The VM's private address, read from the NIC ARM made for it; null while it has none.</summary>
    public async Task<string?> PrivateIpAsync(string resourceGroup, string vmName, CancellationToken cancellationToken)
    {
        var id = new ResourceIdentifier($"/subscriptions/{_subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Network/networkInterfaces/{vmName}-nic");
        var resource = await _arm.GetGenericResource(id).GetAsync(cancellationToken).ConfigureAwait(false);
        using var properties = JsonDocument.Parse(resource.Value.Data.Properties.ToString());
        return properties.RootElement.TryGetProperty("ipConfigurations", out var configurations) && configurations.ValueKind == JsonValueKind.Array
            && configurations.GetArrayLength() > 0 && configurations[0].TryGetProperty("properties", out var first)
            && first.TryGetProperty("privateIPAddress", out var address) && address.ValueKind == JsonValueKind.String
            ? address.GetString()
            : null;
    }

    private async Task PutAsync(string id, string region, IReadOnlyDictionary<string, string> tags, JsonObject properties, CancellationToken cancellationToken)
    {
        var data = new GenericResourceData(new AzureLocation(region)) { Properties = BinaryData.FromString(properties.ToJsonString()) };
        foreach (var (key, value) in tags)
        {
            data.Tags[key] = value;
        }

        await _arm.GetGenericResources().CreateOrUpdateAsync(WaitUntil.Completed, new ResourceIdentifier(id), data, cancellationToken).ConfigureAwait(false);
    }
}
