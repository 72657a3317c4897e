using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dstack.Runtime.Tests.CloudFakes;

namespace Dstack.Runtime.Tests.Azure.Fake;

/// <summary>
/// Spot VMs: the current spot price of a size (<see cref="SetSpotPrice"/>), below which a Spot VM's
/// <c>billingProfile.maxPrice</c> is refused as ARM refuses it, an eviction (<see cref="Evict"/>) as Azure does it, and
/// the VM's instance view (<c>GET .../instanceView</c>) that tells a deallocated VM.
/// </summary>
public sealed partial class FakeArm
{
    private static readonly Regex InstanceViewPath = new(@"^/subscriptions/(?<sub>[^/]+)/resourceGroups/(?<rg>[^/]+)/providers/Microsoft\.Compute/virtualMachines/(?<name>[^/]+)/instanceView$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    private readonly Dictionary<string, decimal> _spotPrices = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _deallocated = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The current spot price of <paramref name="size"/>; without one, any maxPrice is accepted.</summary>
    public void SetSpotPrice(string size, decimal price)
    {
        lock (_gate)
        {
            _spotPrices[size] = price;
        }
    }

    /// <summary>
    /// Evicts the Spot VM as Azure does: its host stops at once; with evictionPolicy Delete (or <paramref name="deallocate"/>
    /// false) the VM is deleted with its NIC, public IP and OS disk, else it stays, deallocated (PowerState/deallocated).
    /// </summary>
    public void Evict(FakeVm vm, bool deallocate = false)
    {
        FakeMachine? machine;
        lock (_gate)
        {
            machine = vm.Machine;
            vm.Machine = null;
            if (deallocate)
            {
                _deallocated.Add(vm.Id);
            }
            else
            {
                _vms.Remove(vm.Id);
            }
        }

        if (machine is not null)
        {
            _machines.Release(machine);
        }
    }

    /// <summary>ARM's refusal of a Spot VM whose maxPrice (not -1) is below the size's current spot price; null when it is accepted.</summary>
    private (int, JsonNode?, IReadOnlyList<(string, string)>)? SpotPriceRefusal(string size, JsonNode properties)
    {
        if ((string?)properties["priority"] != "Spot" || properties["billingProfile"]?["maxPrice"] is not { } node || !_spotPrices.TryGetValue(size, out var price))
        {
            return null;
        }

        var max = node.GetValue<decimal>();
        return max == -1 || max >= price
            ? null
            : Error(409, "OperationNotAllowed", string.Create(CultureInfo.InvariantCulture,
                $"Unable to perform operation 'Create VM' since the provided max price '{max} USD' is lower than the current spot price '{price} USD' for Azure Spot VM size '{size}'. For more information, see http://aka.ms/AzureSpot/errormessages."));
    }

    private (int, JsonNode?, IReadOnlyList<(string, string)>)? InstanceViewAnswer(string method, string path)
    {
        if (InstanceViewPath.Match(path) is not { Success: true } match || method != "GET")
        {
            return null;
        }

        var id = Canonical(path[..^"/instanceView".Length]);
        lock (_gate)
        {
            if (!_vms.TryGetValue(id, out var vm))
            {
                return NotFound("Microsoft.Compute/virtualMachines", id);
            }

            var power = _deallocated.Contains(vm.Id) ? "deallocated" : vm.Machine is null ? "starting" : "running";
            return (200, new JsonObject
            {
                ["computerName"] = match.Groups["name"].Value,
                ["statuses"] = new JsonArray(
                    new JsonObject { ["code"] = $"ProvisioningState/{vm.ProvisioningState.ToLowerInvariant()}", ["level"] = "Info" },
                    new JsonObject { ["code"] = $"PowerState/{power}", ["level"] = "Info" }),
            }, []);
        }
    }
}
