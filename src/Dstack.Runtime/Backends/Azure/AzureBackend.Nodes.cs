using Dstack.Runtime.Offers;

namespace Dstack.Runtime.Backends.Azure;

/// <summary>
/// Runs of several nodes: their VMs are made in one proximity placement group per region (in the project's resource
/// group of that region), made before the first VM and deleted once its VMs are: by the end of the run
/// (<see cref="ReleaseGroupAsync"/>), and by the deletion of its last VM (<see cref="TerminateAsync"/>), so the
/// cleanup of a run whose controller died, which deletes VMs only, leaves no group either.
/// </summary>
public sealed partial class AzureBackend
{
    /// <summary>The proximity placement group of a run's nodes: <c>dstack-RUN</c>, in the project's resource group of the region.</summary>
    public static string PlacementGroupName(string group) => $"dstack-{group}";

    /// <summary>Deletes the run's proximity placement groups (one per region its nodes were asked in), its VMs being gone.</summary>
    public async Task ReleaseGroupAsync(string group, IReadOnlyList<Offer> offers, CancellationToken cancellationToken)
    {
        var project = CloudInit.ProjectName(home);
        var name = PlacementGroupName(group);
        foreach (var region in offers.Select(o => o.Region).Distinct(StringComparer.Ordinal))
        {
            var resourceGroup = ResourceGroupName(project, region);
            if (!await _compute.DeleteProximityPlacementGroupAsync(_compute.ProximityPlacementGroupId(resourceGroup, name), cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"the proximity placement group {name} in {resourceGroup} still holds VMs; it is deleted with the last of them");
            }
        }
    }

    /// <summary>Deletes the VM with its NIC, public IP and OS disk; one recorded before it was made is found by its name, which its token gives.</summary>
    public async Task TerminateAsync(Instance instance, CancellationToken cancellationToken)
    {
        var (group, name) = Split(instance);
        var placement = (await _compute.VmAsync(group, name, cancellationToken).ConfigureAwait(false))?.ProximityPlacementGroupId;
        await _compute.DeleteVmAsync(group, name, cancellationToken).ConfigureAwait(false);
        if (placement is not null)
        {
            // The last VM of the group takes it along; an earlier one leaves it to the others.
            await _compute.DeleteProximityPlacementGroupAsync(placement.ToString(), cancellationToken).ConfigureAwait(false);
        }
    }
}
