using Dstack.Runtime.Backends.Cloud;
using Dstack.Runtime.Offers;

namespace Dstack.Runtime.Backends.Azure;

/// <summary>
/// The Azure backend's offers for a run: <see cref="CloudOfferFilter"/> over VM size rows (a pay-as-you-go and a spot
/// offer per row, every rule of dstack's cloud offers, the nearest misses) with what is Azure's own: its name, the
/// managed OS disk's limit, its word for machines (VMs), and the offers' <see cref="Offer.Data"/> keys. A pure function:
/// the same rows and requirements give the same list.
/// </summary>
public static class AzureOffers
{
    /// <summary>The backend's name in offers.</summary>
    public const string BackendName = "azure";

    /// <summary>How many left-out VM sizes the list keeps, with their reasons.</summary>
    public const int LeftOutKept = CloudOfferFilter.LeftOutKept;

    /// <summary>The largest managed OS disk (4,095 GiB), the most disk an offer can have.</summary>
    public const double MaxDiskGb = 4095;

    /// <summary>The OS disk an offer gets when the run asks for no disk size (dstack's default).</summary>
    public const double DefaultDiskGb = CloudOfferFilter.DefaultDiskGb;

    /// <summary>The <see cref="Offer.Data"/> key of the VM size.</summary>
    public const string VmSizeKey = "vm_size";

    /// <summary>The <see cref="Offer.Data"/> key of the market: <c>spot</c> or <c>on-demand</c>.</summary>
    public const string MarketKey = CloudOfferFilter.MarketKey;

    /// <summary>The <see cref="Offer.Data"/> key of the OS disk's size in GB.</summary>
    public const string DiskKey = CloudOfferFilter.DiskKey;

    /// <summary>Every offer that fits the requirements, cheapest first, then the nearest misses with their reasons (<see cref="CloudOfferFilter"/>).</summary>
    /// <param name="rows">The catalog's rows.</param>
    /// <param name="requirements">What the run asks for.</param>
    /// <param name="allowedRegions">The regions of the backend's configuration; null for every region of the catalog.</param>
    public static IReadOnlyList<OfferCandidate> For(IReadOnlyList<AzureCatalogRow> rows, Requirements requirements, IReadOnlyList<string>? allowedRegions) =>
        CloudOfferFilter.For(rows, requirements, allowedRegions, Rules);

    private static readonly CloudOfferRules<AzureCatalogRow> Rules = new(BackendName, MaxDiskGb, "an Azure OS disk", DataOf) { Machines = "VMs" };

    private static Dictionary<string, string> DataOf(AzureCatalogRow row, bool spot, double diskGb) => new(StringComparer.Ordinal)
    {
        [VmSizeKey] = row.Size,
        [MarketKey] = CloudOfferFilter.Market(spot),
        [DiskKey] = CloudOfferFilter.Gigabytes(diskGb),
    };
}
