using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Dstack.Runtime.Tests.Azure.Fake;

/// <summary>Microsoft.Network as generic resources: security groups and virtual networks (PUT, GET), and a VM's NIC (GET).</summary>
public sealed partial class FakeArm
{
    private static readonly Regex NetworkPath = new(
        @"^/subscriptions/(?<sub>[^/]+)/resourceGroups/(?<rg>[^/]+)/providers/Microsoft\.Network/(?<type>networkSecurityGroups|virtualNetworks|networkInterfaces)/(?<name>[^/]+)$",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    private readonly Dictionary<string, JsonObject> _network = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The security groups and virtual networks made so far, by id.</summary>
    public IReadOnlyDictionary<string, JsonObject> NetworkResources
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, JsonObject>(_network, StringComparer.OrdinalIgnoreCase);
            }
        }
    }

    private (int, JsonNode?, IReadOnlyList<(string, string)>)? NetworkAnswer(string method, string path, string body)
    {
        if (NetworkPath.Match(path) is not { Success: true } match)
        {
            return null;
        }

        var type = match.Groups["type"].Value;
        var group = match.Groups["rg"].Value;
        var name = match.Groups["name"].Value;
        var id = $"/subscriptions/{SubscriptionId}/resourceGroups/{group}/providers/Microsoft.Network/{type}/{name}";
        lock (_gate)
        {
            if (string.Equals(type, "networkInterfaces", StringComparison.OrdinalIgnoreCase))
            {
                return method == "GET" ? Nic(id, group, name) : Error(405, "MethodNotAllowed", "NICs are made inside VM requests here");
            }

            if (method == "PUT")
            {
                if (!_groups.ContainsKey(group))
                {
                    return Error(404, "ResourceGroupNotFound", $"Resource group '{group}' could not be found.");
                }

                var resource = JsonNode.Parse(body)!.AsObject();
                resource["id"] = id;
                resource["name"] = name;
                resource["type"] = $"Microsoft.Network/{type}";
                (resource["properties"] ??= new JsonObject()).AsObject()["provisioningState"] = "Succeeded";
                var created = !_network.ContainsKey(id);
                _network[id] = resource;
                return (created ? 201 : 200, resource.DeepClone(), []);
            }

            return method == "GET" && _network.TryGetValue(id, out var found) ? (200, found.DeepClone(), []) : NotFound($"Microsoft.Network/{type}", path);
        }
    }

    private (int, JsonNode?, IReadOnlyList<(string, string)>) Nic(string id, string group, string name)
    {
        var vm = _vms.Values.FirstOrDefault(v => string.Equals(v.ResourceGroup, group, StringComparison.OrdinalIgnoreCase) && v.NicName == name);
        if (vm is null)
        {
            return NotFound("Microsoft.Network/networkInterfaces", id);
        }

        var ipConfiguration = new JsonObject { ["name"] = $"{vm.Name}-ipconfig", ["properties"] = new JsonObject { ["privateIPAllocationMethod"] = "Dynamic" } };
        if (vm.Machine is { } machine)
        {
            ipConfiguration["properties"]!["privateIPAddress"] = machine.PrivateIpAddress;
        }

        return (200, new JsonObject
        {
            ["id"] = id,
            ["name"] = name,
            ["type"] = "Microsoft.Network/networkInterfaces",
            ["location"] = vm.Region,
            ["properties"] = new JsonObject { ["provisioningState"] = "Succeeded", ["ipConfigurations"] = new JsonArray(ipConfiguration) },
        }, []);
    }
}
