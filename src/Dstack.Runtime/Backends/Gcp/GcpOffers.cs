using System.Globalization;
using Dstack.Runtime.Backends.Cloud;
using Dstack.Runtime.Offers;

namespace Dstack.Runtime.Backends.Gcp;

/// <summary>
/// The GCP backend's offers for a run: <see cref="CloudOfferFilter"/> over Compute Engine rows (an on-demand and a Spot
/// VM offer per row, every rule of dstack's cloud offers, the nearest misses) with what is Compute Engine's own: its
/// name, the persistent boot disk's limit, an attached accelerator shown after the machine type, and the offers'
/// <see cref="Offer.Data"/> keys (the zones to try among them). A pure function: the same rows and requirements give
/// the same list.
/// </summary>
public static class GcpOffers
{
    /// <summary>The backend's name in offers.</summary>
    public const string BackendName = "gcp";

    /// <summary>How many left-out machines the list keeps, with their reasons.</summary>
    public const int LeftOutKept = CloudOfferFilter.LeftOutKept;

    /// <summary>The largest persistent boot disk (64 TiB).</summary>
    public const double MaxDiskGb = 65536;

    /// <summary>The boot disk an offer gets when the run asks for no disk size (dstack's default).</summary>
    public const double DefaultDiskGb = CloudOfferFilter.DefaultDiskGb;

    /// <summary>The <see cref="Offer.Data"/> key of the machine type.</summary>
    public const string MachineTypeKey = "machine_type";

    /// <summary>The <see cref="Offer.Data"/> key of the acceleratorType attached to the machine type (absent when its GPUs are built in).</summary>
    public const string AcceleratorKey = "accelerator_type";

    /// <summary>The <see cref="Offer.Data"/> key of how many accelerators are attached.</summary>
    public const string AcceleratorCountKey = "accelerator_count";

    /// <summary>The <see cref="Offer.Data"/> key of the zones to try, in order, comma-separated.</summary>
    public const string ZonesKey = "zones";

    /// <summary>The <see cref="Offer.Data"/> key of the provisioning model: <c>spot</c> or <c>on-demand</c>.</summary>
    public const string MarketKey = CloudOfferFilter.MarketKey;

    /// <summary>The <see cref="Offer.Data"/> key of the boot disk's size in GB.</summary>
    public const string DiskKey = CloudOfferFilter.DiskKey;

    /// <summary>Every offer that fits the requirements, cheapest first, then the nearest misses with their reasons (<see cref="CloudOfferFilter"/>).</summary>
    /// <param name="rows">The rows: the shipped catalog's, or any list of rows whoever built them.</param>
    /// <param name="requirements">What the run asks for.</param>
    /// <param name="allowedRegions">The regions the backend's configuration allows; null for every region of the rows.</param>
    public static IReadOnlyList<OfferCandidate> For(IReadOnlyList<GcpCatalogRow> rows, Requirements requirements, IReadOnlyList<string>? allowedRegions) =>
        CloudOfferFilter.For(rows, requirements, allowedRegions, Rules);

    private static readonly CloudOfferRules<GcpCatalogRow> Rules = new(BackendName, MaxDiskGb, "a persistent boot disk", DataOf)
    {
        Display = row => row.Accelerator.Length > 0 ? row.Display : string.Empty,
    };

    private static Dictionary<string, string> DataOf(GcpCatalogRow row, bool spot, double diskGb)
    {
        var data = new Dictionary<string, string>(6, StringComparer.Ordinal)
        {
            [MachineTypeKey] = row.Instance,
            [ZonesKey] = string.Join(',', row.Zones),
            [MarketKey] = CloudOfferFilter.Market(spot),
            [DiskKey] = CloudOfferFilter.Gigabytes(diskGb),
        };
        if (row.Accelerator.Length > 0)
        {
            data[AcceleratorKey] = row.Accelerator;
            data[AcceleratorCountKey] = row.Gpus.Count.ToString(CultureInfo.InvariantCulture);
        }

        return data;
    }
}
