using Dstack.Runtime.Planning;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Backends.Cloud;

/// <summary>What a cloud tells <see cref="CloudOfferFilter"/>: its name, its disk's limit, its words, its offers' data.</summary>
/// <typeparam name="TRow">The cloud's catalog row.</typeparam>
/// <param name="Backend">The backend's name in offers and reasons (<c>aws</c>).</param>
/// <param name="MaxDiskGb">The largest boot disk the cloud makes, the most disk an offer can have.</param>
/// <param name="DiskName">The boot disk in the cloud's words, for the reason a bigger one is refused (<c>an EBS root volume</c>).</param>
/// <param name="Data">The offer's <see cref="Offers.Offer.Data"/>: from the row, whether the offer is spot, and the boot disk's GB.</param>
public sealed record CloudOfferRules<TRow>(
    string Backend,
    double MaxDiskGb,
    string DiskName,
    Func<TRow, bool, double, Dictionary<string, string>> Data)
    where TRow : CloudCatalogRow
{
    /// <summary>What the spot policy's reasons call the machines (<c>instances</c>, <c>VMs</c>).</summary>
    public string Machines { get; init; } = "instances";

    /// <summary>How an offer shows its machine when not by its instance type (<c>n1-standard-4 + 1xnvidia-tesla-t4</c>); null or empty for the type.</summary>
    public Func<TRow, string>? Display { get; init; }

    /// <summary>
    /// What keeps the row's machine from the run's resources, where the cloud has its own rule (AWS's own chips);
    /// null for dstack's rule (<see cref="ResourceMatcher.Unmet"/> with its cloud defaults, the whole machine).
    /// </summary>
    public Func<TRow, ResourcesSpec, MachineResources, IEnumerable<string>>? Resources { get; init; }
}
