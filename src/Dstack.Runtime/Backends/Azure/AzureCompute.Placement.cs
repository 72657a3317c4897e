using Azure;
using Azure.Core;
using Azure.ResourceManager.Compute;
using Azure.ResourceManager.Compute.Models;
using Azure.ResourceManager.Resources;

namespace Dstack.Runtime.Backends.Azure;

/// <summary>
/// Proximity placement groups for runs of several nodes (their VMs made close together, in one region), and a VM's
/// state as its instance view tells it (a Spot VM evicted and deallocated).
/// </summary>
public sealed partial class AzureCompute
{
    /// <summary>Makes the proximity placement group (or keeps it, made for an earlier node); returns its id.</summary>
    public async Task<string> EnsureProximityPlacementGroupAsync(string resourceGroup, string name, string region, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        var group = _arm.GetResourceGroupResource(ResourceGroupResource.CreateResourceIdentifier(_subscriptionId, resourceGroup));
        var data = new ProximityPlacementGroupData(new AzureLocation(region)) { ProximityPlacementGroupType = ProximityPlacementGroupType.Standard };
        foreach (var (key, value) in tags)
        {
            data.Tags[key] = value;
        }

        var made = await group.GetProximityPlacementGroups().CreateOrUpdateAsync(WaitUntil.Completed, name, data, cancellationToken).ConfigureAwait(false);
        return made.Value.Id.ToString();
    }

    /// <summary>
    /// Deletes the proximity placement group when no VM is in it any more: true when it is gone (or never was), false
    /// while a VM still is (ARM refuses to delete it then; the last VM's end deletes it).
    /// </summary>
    public async Task<bool> DeleteProximityPlacementGroupAsync(string id, CancellationToken cancellationToken)
    {
        var resource = _arm.GetProximityPlacementGroupResource(new ResourceIdentifier(id));
        try
        {
            var found = await resource.GetAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            if (found.Value.Data.VirtualMachines.Count > 0)
            {
                return false;
            }

            await resource.DeleteAsync(WaitUntil.Completed, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 400 or 409)
        {
            // A VM ARM had not listed yet: in use all the same.
            return false;
        }
    }

    /// <summary>The id of the proximity placement group <paramref name="name"/> of a resource group.</summary>
    public string ProximityPlacementGroupId(string resourceGroup, string name) =>
        ProximityPlacementGroupResource.CreateResourceIdentifier(_subscriptionId, resourceGroup, name).ToString();

    /// <summary>
    /// The VM's power state (<c>running</c>, <c>deallocated</c> ...) and provisioning state (<c>succeeded</c>,
    /// <c>deleting</c> ...) from its instance view, lower case; null when ARM has no VM of that name.
    /// </summary>
    public async Task<(string? Power, string? Provisioning)?> VmStateAsync(string resourceGroup, string name, CancellationToken cancellationToken)
    {
        try
        {
            var view = await _arm.GetVirtualMachineResource(VirtualMachineResource.CreateResourceIdentifier(_subscriptionId, resourceGroup, name)).InstanceViewAsync(cancellationToken).ConfigureAwait(false);
            string? Of(string prefix) => view.Value.Statuses.Select(s => s.Code).FirstOrDefault(c => c?.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) == true)?[prefix.Length..].ToLowerInvariant();
            return (Of("PowerState/"), Of("ProvisioningState/"));
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }
}
