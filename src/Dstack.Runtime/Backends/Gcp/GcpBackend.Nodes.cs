using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Dstack.Runtime.Offers;

namespace Dstack.Runtime.Backends.Gcp;

/// <summary>
/// Runs of several nodes (<c>nodes: N</c>): every instance of the run's group in the zone its first instance got, with
/// a compact placement policy (<c>groupPlacementPolicy: {collocation: COLLOCATED, vmCount: N}</c>, made in the region
/// before the first instance) where the machine series supports one. The policy is deleted when the run ends
/// (<see cref="ReleaseGroupAsync"/>) and, after a controller died, when the last instance that used it is deleted.
/// </summary>
public sealed partial class GcpBackend
{
    /// <summary>The offer's entry of the compact placement policy the instance was made with.</summary>
    public const string ResourcePolicyKey = "resource_policy";

    /// <summary>
    /// The machine series that take a compact placement policy, as Google's placement policies overview lists them
    /// (A2, A3, A4, C2, C2D, C3, C3D, C4, C4A, C4D, G2, G4, H3, H4D, N1, N2, N2D); others (E2, N4, T2D, M-series …) are
    /// placed without one, in one zone all the same.
    /// </summary>
    public static readonly IReadOnlySet<string> CompactSeries = new HashSet<string>(["a2", "a3", "a4", "c2", "c2d", "c3", "c3d", "c4", "c4a", "c4d", "g2", "g4", "h3", "h4d", "n1", "n2", "n2d"], StringComparer.Ordinal);

    /// <summary>The zone of each group's first instance, for its other nodes.</summary>
    private readonly ConcurrentDictionary<string, string> _groupZones = new(StringComparer.Ordinal);

    /// <summary>Whether the machine type's series takes a compact placement policy.</summary>
    public static bool SupportsCompactPlacement(string machineType) => CompactSeries.Contains(machineType.Split('-')[0].ToLowerInvariant());

    /// <summary>The compact placement policy of a run's nodes: <c>dstack-PROJECT-RUN</c>, as a resource name (at most 63).</summary>
    public static string ResourcePolicyName(string project, string group)
    {
        var name = $"dstack-{project}-{Label(group).Replace('_', '-')}";
        return name[..Math.Min(name.Length, 63)].TrimEnd('-');
    }

    /// <summary>Deletes the run's compact placement policies (one per region its nodes were asked in), its instances being gone.</summary>
    public async Task ReleaseGroupAsync(string group, IReadOnlyList<Offer> offers, CancellationToken cancellationToken)
    {
        _groupZones.TryRemove(group, out _);
        var name = ResourcePolicyName(CloudInit.ProjectName(home), group);
        var regions = offers.Where(o => SupportsCompactPlacement(o.Data.GetValueOrDefault(GcpOffers.MachineTypeKey, o.Instance))).Select(o => o.Region).Distinct(StringComparer.Ordinal);
        foreach (var region in regions)
        {
            if (!await Compute.DeleteResourcePolicyAsync(region, name, cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"{region}: the resource policy {name} is still used by an instance; it is deleted with the last instance that uses it");
            }
        }
    }

    /// <summary>The zones to try for a request: a later node of a group only in the zone of the group's first instance.</summary>
    private string[] ZonesFor(ProvisionRequest request, string[] zones)
    {
        if (request.Group is not { } group || !_groupZones.TryGetValue(group, out var zone))
        {
            return zones;
        }

        return zones.Contains(zone, StringComparer.Ordinal)
            ? [zone]
            : throw new ProvisioningException($"{request.Offer.ShownAs} in {request.Offer.Region}: the run's other nodes are in {zone}, which this offer has not (a run's nodes share one zone); the next offer is tried", noCapacity: true);
    }

    /// <summary>Remembers the zone of a group's first instance.</summary>
    private void JoinedGroup(ProvisionRequest request, string zone)
    {
        if (request.Group is { } group)
        {
            _groupZones.TryAdd(group, zone);
        }
    }

    /// <summary>Makes the group's compact placement policy in the offer's region when its series takes one; its name, or null.</summary>
    private async Task<string?> PlacementPolicyAsync(ProvisionRequest request, string type, Action<string, string> step, CancellationToken cancellationToken)
    {
        if (request.Group is not { } group || !SupportsCompactPlacement(type))
        {
            return null;
        }

        var region = request.Offer.Region;
        var name = ResourcePolicyName(CloudInit.ProjectName(home), group);
        step("placement_policy", $"making the compact placement policy {name} in {region} for {request.Nodes} nodes");
        try
        {
            if (await Compute.GetResourcePolicyAsync(region, name, cancellationToken).ConfigureAwait(false) is null)
            {
                await Compute.InsertResourcePolicyAsync(region, new JsonObject
                {
                    ["name"] = name,
                    ["description"] = $"dstack: the nodes of the run {group}",
                    ["groupPlacementPolicy"] = new JsonObject { ["collocation"] = "COLLOCATED", ["vmCount"] = Math.Max(2, request.Nodes) },
                }, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (GcpApiException e)
        {
            throw new ProvisioningException($"{type} in {region}: Compute Engine refused the resource policy {name} ({e.Code}: {e.Detail}); the credentials need compute.resourcePolicies.create (Compute Instance Admin (v1))");
        }

        return name;
    }

    /// <summary>After an instance is deleted: its compact placement policy too, unless another instance still uses it.</summary>
    private async Task ReleasePolicyOfAsync(Instance instance, CancellationToken cancellationToken)
    {
        if (instance.Offer.Data.TryGetValue(ResourcePolicyKey, out var policy))
        {
            await Compute.DeleteResourcePolicyAsync(instance.Offer.Region, policy, cancellationToken).ConfigureAwait(false);
        }
    }
}
