using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Dstack.Runtime.Tests.Azure.Fake;

/// <summary>
/// Proximity placement groups (PUT, GET with the VMs in them, DELETE), and the VMs made in one: a VM naming a group that
/// does not exist is refused, and a group that still holds a VM cannot be deleted, as in ARM.
/// </summary>
public sealed partial class FakeArm
{
    private static readonly Regex PlacementPath = new(@"^/subscriptions/(?<sub>[^/]+)/resourceGroups/(?<rg>[^/]+)/providers/Microsoft\.Compute/proximityPlacementGroups/(?<name>[^/]+)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    private readonly Dictionary<string, JsonObject> _placementGroups = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The proximity placement groups that exist now, by id.</summary>
    public IReadOnlyList<string> PlacementGroups
    {
        get
        {
            lock (_gate)
            {
                return [.. _placementGroups.Keys];
            }
        }
    }

    /// <summary>The id of the proximity placement group a VM was made in; null for none.</summary>
    public static string? PlacementGroupOf(FakeVm vm) => (string?)vm.Request["properties"]?["proximityPlacementGroup"]?["id"];

    private (int, JsonNode?, IReadOnlyList<(string, string)>)? PlacementAnswer(string method, string path, string body)
    {
        if (PlacementPath.Match(path) is not { Success: true } match)
        {
            return null;
        }

        var group = match.Groups["rg"].Value;
        var id = $"/subscriptions/{SubscriptionId}/resourceGroups/{group}/providers/Microsoft.Compute/proximityPlacementGroups/{match.Groups["name"].Value}";
        lock (_gate)
        {
            var members = _vms.Values.Where(v => string.Equals(PlacementGroupOf(v), id, StringComparison.OrdinalIgnoreCase)).Select(v => v.Id).ToList();
            switch (method)
            {
                case "PUT" when !_groups.ContainsKey(group):
                    return Error(404, "ResourceGroupNotFound", $"Resource group '{group}' could not be found.");
                case "PUT":
                    var resource = JsonNode.Parse(body)!.AsObject();
                    resource["id"] = id;
                    resource["name"] = match.Groups["name"].Value;
                    resource["type"] = "Microsoft.Compute/proximityPlacementGroups";
                    var created = !_placementGroups.ContainsKey(id);
                    _placementGroups[id] = resource;
                    return (created ? 201 : 200, PlacementJson(resource, members), []);
                case "GET":
                    return _placementGroups.TryGetValue(id, out var found) ? (200, PlacementJson(found, members), []) : NotFound("Microsoft.Compute/proximityPlacementGroups", id);
                case "DELETE" when members.Count > 0:
                    return Error(409, "OperationNotAllowed", $"Proximity placement group '{id}' cannot be deleted because it is in use by virtual machines: {string.Join(", ", members)}.");
                case "DELETE":
                    return (_placementGroups.Remove(id) ? 200 : 204, null, []);
                default:
                    return Error(405, "MethodNotAllowed", $"{method} on a proximity placement group");
            }
        }
    }

    /// <summary>ARM's refusal of a VM naming a proximity placement group that does not exist; null when it names none or one that does.</summary>
    private (int, JsonNode?, IReadOnlyList<(string, string)>)? PlacementRefusal(JsonNode properties) =>
        (string?)properties["proximityPlacementGroup"]?["id"] is { } id && !_placementGroups.ContainsKey(id)
            ? Error(404, "NotFound", $"The entity was not found in this Azure location: proximity placement group '{id}'.")
            : null;

    private static JsonObject PlacementJson(JsonObject resource, IReadOnlyList<string> members)
    {
        var json = resource.DeepClone().AsObject();
        var properties = (json["properties"] ??= new JsonObject()).AsObject();
        properties["virtualMachines"] = new JsonArray([.. members.Select(m => (JsonNode)new JsonObject { ["id"] = m })]);
        properties["availabilitySets"] = new JsonArray();
        properties["virtualMachineScaleSets"] = new JsonArray();
        return json;
    }
}
