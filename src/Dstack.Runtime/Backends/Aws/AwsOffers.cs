using System.Globalization;
using Dstack.Runtime.Backends.Cloud;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Backends.Aws;

/// <summary>
/// The AWS backend's offers for a run: <see cref="CloudOfferFilter"/> over EC2 catalog rows (an on-demand and a spot
/// offer per row, every rule of dstack's cloud offers, the nearest misses) with what is AWS's own: its name, the EBS
/// root volume's limit, AWS's own chips (Inferentia2, Trainium), which only a spec naming them matches, and the
/// offers' <see cref="Offer.Data"/> keys. A pure function: the same rows and requirements give the same list.
/// </summary>
public static class AwsOffers
{
    /// <summary>The backend's name in offers.</summary>
    public const string BackendName = "aws";

    /// <summary>How many left-out machines the list keeps, with their reasons.</summary>
    public const int LeftOutKept = CloudOfferFilter.LeftOutKept;

    /// <summary>The largest EBS root volume (gp3: 16 TiB), the most disk an offer can have.</summary>
    public const double MaxDiskGb = 16384;

    /// <summary>The root volume an offer gets when the run asks for no disk size (dstack's default).</summary>
    public const double DefaultDiskGb = CloudOfferFilter.DefaultDiskGb;

    /// <summary>The <see cref="Offer.Data"/> key of the instance type.</summary>
    public const string InstanceTypeKey = "instance_type";

    /// <summary>The <see cref="Offer.Data"/> key of the market: <c>spot</c> or <c>on-demand</c>.</summary>
    public const string MarketKey = CloudOfferFilter.MarketKey;

    /// <summary>The <see cref="Offer.Data"/> key of the root volume's size in GB.</summary>
    public const string DiskKey = CloudOfferFilter.DiskKey;

    /// <summary>The <see cref="Offer.Data"/> key of the local instance storage in GB (absent for EBS-only types).</summary>
    public const string InstanceStorageKey = "instance_storage_gb";

    /// <summary>The <see cref="Offer.Data"/> key of AWS's own accelerators (<c>1xInferentia2 (32GB)</c>), which are not GPUs a spec matches.</summary>
    public const string AcceleratorsKey = "accelerators";

    /// <summary>Every offer that fits the requirements, cheapest first, then the nearest misses with their reasons (<see cref="CloudOfferFilter"/>).</summary>
    /// <param name="rows">The catalog's rows (shipped, or with EC2's live answers laid over them).</param>
    /// <param name="requirements">What the run asks for.</param>
    /// <param name="allowedRegions">The regions the backend's configuration allows; null for every region of the catalog.</param>
    public static IReadOnlyList<OfferCandidate> For(IReadOnlyList<AwsCatalogRow> rows, Requirements requirements, IReadOnlyList<string>? allowedRegions) =>
        CloudOfferFilter.For(rows, requirements, allowedRegions, Rules);

    private static readonly CloudOfferRules<AwsCatalogRow> Rules = new(BackendName, MaxDiskGb, "an EBS root volume", DataOf)
    {
        Resources = (row, spec, resources) => row.AwsAccelerators && spec.Gpu is not null
            ? [.. ResourceMatcher.Unmet(spec with { Gpu = null }, resources, enforceDefaults: true), .. AwsChipProblems(spec.Gpu, row)]
            : ResourceMatcher.Unmet(spec, resources, enforceDefaults: true, wholeMachine: true),
    };

    /// <summary>
    /// What keeps AWS's own chips (Inferentia2, Trainium) from a GPU spec. They are named, never vendored: the reference
    /// knows no vendor for them (nvidia, amd, google, intel), and a spec without names means NVIDIA (its §4), so only a
    /// spec that names the chip (<c>gpu: Inferentia2</c>, <c>gpu: trainium:16</c>) matches them, with its count (exact
    /// unless a range: an instance's chips all go to the job), memory per chip and total memory.
    /// </summary>
    private static IEnumerable<string> AwsChipProblems(GpuSpec gpu, AwsCatalogRow row)
    {
        var has = $"the machine has {row.GpuCount}x{row.GpuName} ({new Memory(row.GpuMemoryGb)}), AWS's own chips";
        if (gpu.Name is not { Count: > 0 } names || !names.Any(n => string.Equals(n, row.GpuName, StringComparison.OrdinalIgnoreCase)))
        {
            yield return $"gpu: needs {gpu}, {has}, which only a spec naming them matches (gpu: {row.GpuName})";
            yield break;
        }

        if (gpu.Vendor is not null || gpu.ComputeCapability is not null)
        {
            yield return $"gpu: needs {gpu}, {has}, of no GPU vendor and without a compute capability; leave vendor and compute_capability out";
        }
        else if (!gpu.Count.Contains(row.GpuCount))
        {
            yield return $"gpu: needs {gpu}, {has}, and all {row.GpuCount} go to the job; ask for {row.GpuName}:{row.GpuCount}";
        }
        else if (gpu.Memory is { } memory && !memory.Contains(new Memory(row.GpuMemoryGb)))
        {
            yield return $"gpu: needs {gpu}, {has}";
        }
        else if (gpu.TotalMemory is { } total && !total.Contains(new Memory(row.GpuMemoryGb * row.GpuCount)))
        {
            yield return $"gpu: needs {total} of GPU memory in total, {has}: {new Memory(row.GpuMemoryGb * row.GpuCount)}";
        }
    }

    private static Dictionary<string, string> DataOf(AwsCatalogRow row, bool spot, double diskGb)
    {
        var data = new Dictionary<string, string>(5, StringComparer.Ordinal)
        {
            [InstanceTypeKey] = row.Instance,
            [MarketKey] = CloudOfferFilter.Market(spot),
            [DiskKey] = CloudOfferFilter.Gigabytes(diskGb),
        };
        if (row.DiskGb > 0)
        {
            data[InstanceStorageKey] = CloudOfferFilter.Gigabytes(row.DiskGb);
        }

        if (row.AwsAccelerators)
        {
            data[AcceleratorsKey] = $"{row.GpuCount}x{row.GpuName} ({row.GpuMemoryGb.ToString(CultureInfo.InvariantCulture)}GB)";
        }

        return data;
    }
}
