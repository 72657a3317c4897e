using System.Globalization;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Backends.Gcp;

/// <summary>
/// Turns catalog rows into the GCP backend's offers for a run: an on-demand and a Spot VM offer per row, each checked
/// against the requirements as dstack checks cloud offers (its defaults of 2.. CPUs, 8GB.. memory and 100GB.. disk
/// apply), the spot policy, <c>max_price</c>, the regions (the run's and the backend's) and <c>instance_types</c>.
/// A pure function: the same rows and requirements give the same list, every fitting offer cheapest first, then at
/// most <see cref="LeftOutKept"/> of those left out, fewest reasons first, with their reasons.
/// </summary>
public static class GcpOffers
{
    /// <summary>The backend's name in offers.</summary>
    public const string BackendName = "gcp";

    /// <summary>How many left-out machines the list keeps, with their reasons.</summary>
    public const int LeftOutKept = 20;

    /// <summary>The largest persistent boot disk (64 TiB).</summary>
    public const double MaxDiskGb = 65536;

    /// <summary>The boot disk an offer gets when the run asks for no disk size (dstack's default).</summary>
    public const double DefaultDiskGb = 100;

    /// <summary>The <see cref="Offer.Data"/> key of the machine type.</summary>
    public const string MachineTypeKey = "machine_type";

    /// <summary>The <see cref="Offer.Data"/> key of the acceleratorType attached to the machine type (absent when its GPUs are built in).</summary>
    public const string AcceleratorKey = "accelerator_type";

    /// <summary>The <see cref="Offer.Data"/> key of how many accelerators are attached.</summary>
    public const string AcceleratorCountKey = "accelerator_count";

    /// <summary>The <see cref="Offer.Data"/> key of the zones to try, in order, comma-separated.</summary>
    public const string ZonesKey = "zones";

    /// <summary>The <see cref="Offer.Data"/> key of the provisioning model: <c>spot</c> or <c>on-demand</c>.</summary>
    public const string MarketKey = "market";

    /// <summary>The <see cref="Offer.Data"/> key of the boot disk's size in GB.</summary>
    public const string DiskKey = "disk_gb";

    /// <summary>Every offer that fits the requirements, cheapest first, then the nearest misses with their reasons.</summary>
    /// <param name="rows">The catalog's rows.</param>
    /// <param name="requirements">What the run asks for.</param>
    /// <param name="allowedRegions">The regions the backend's configuration allows; null for every region of the catalog.</param>
    public static IReadOnlyList<OfferCandidate> For(IReadOnlyList<GcpCatalogRow> rows, Requirements requirements, IReadOnlyList<string>? allowedRegions)
    {
        var spec = requirements.Resources;
        var size = spec.Disk?.Size.Min?.Gigabytes ?? Math.Min(DefaultDiskGb, spec.Disk?.Size.Max?.Gigabytes ?? DefaultDiskGb);
        var diskProblem = size > MaxDiskGb ? $"disk: needs {spec.Disk!.Size}, a persistent boot disk holds at most {MaxDiskGb:0}GB" : null;
        var diskGb = Math.Min(size, MaxDiskGb);
        var wantSpot = requirements.SpotPolicy is SpotPolicy.Spot or SpotPolicy.Auto;
        var wantOnDemand = requirements.SpotPolicy is null or SpotPolicy.OnDemand or SpotPolicy.Auto;
        var maxPrice = requirements.MaxPrice is { } max ? (decimal)max : (decimal?)null;
        var regions = requirements.Regions is { Count: > 0 } r ? r : null;
        var types = requirements.InstanceTypes is { Count: > 0 } t ? t : null;

        var fits = new List<OfferCandidate>();
        var misses = new List<OfferCandidate>();
        foreach (var row in rows)
        {
            var shared = new List<string>();
            if (types is not null && !Contains(types, row.Instance))
            {
                shared.Add($"instance_types: {row.Instance} is not one of {string.Join(", ", types)}");
            }

            if (regions is not null && !Contains(regions, row.Region))
            {
                shared.Add($"regions: {row.Region} is not one of {string.Join(", ", regions)}");
            }

            if (allowedRegions is not null && !Contains(allowedRegions, row.Region))
            {
                shared.Add($"regions: {row.Region} is not among the gcp backend's regions ({string.Join(", ", allowedRegions)})");
            }

            if (diskProblem is not null)
            {
                shared.Add(diskProblem);
            }

            var resources = new MachineResources(row.Cpus, new Memory(row.MemoryGb), new Memory(diskGb), row.Gpus);
            shared.AddRange(ResourceMatcher.Unmet(spec, resources, enforceDefaults: true, wholeMachine: true));
            foreach (var spot in (ReadOnlySpan<bool>)[false, true])
            {
                var price = spot ? row.SpotPrice : row.Price;
                var reasons = new List<string>(shared);
                if (spot && !wantSpot)
                {
                    reasons.Add($"spot_policy: {(requirements.SpotPolicy is null ? "the default (on-demand)" : "on-demand")} takes on-demand instances only");
                }
                else if (!spot && !wantOnDemand)
                {
                    reasons.Add("spot_policy: spot takes spot instances only");
                }

                if (maxPrice is { } limit && price > limit)
                {
                    reasons.Add($"max_price: ${Money(price)}/hour is over ${Money(limit)}");
                }

                var candidate = new OfferCandidate(OfferOf(row, resources, spot, price, diskGb), reasons);
                (reasons.Count == 0 ? fits : misses).Add(candidate);
            }
        }

        return [.. fits.OrderBy(f => f.Offer.PricePerHour), .. NearestMisses(misses, spec.Gpu?.Name)];
    }

    /// <summary>
    /// The left-out machines worth showing: grouped by what keeps them out (<c>gpu</c>, <c>max_price</c>) and by how near
    /// their GPUs come (the GPU asked for by name, other GPUs, none), groups with fewer reasons and nearer GPUs first,
    /// then from each group in turn its cheapest; so <c>max_price</c> shows beside hundreds of cheaper machines without a GPU.
    /// </summary>
    private static List<OfferCandidate> NearestMisses(List<OfferCandidate> misses, IReadOnlyList<string>? gpuNames)
    {
        int Nearness(OfferCandidate candidate) => candidate.Offer.Resources.Gpus switch
        {
            [] => 2,
            var gpus when gpuNames is { Count: > 0 } && gpus.Any(g => gpuNames.Contains(g.Name, StringComparer.OrdinalIgnoreCase)) => 0,
            _ => 1,
        };

        var groups = misses
            .GroupBy(m => (Kinds: string.Join(" + ", m.Unmet.Select(u => u.Split(':')[0])), Near: Nearness(m)))
            .OrderBy(g => g.First().Unmet.Count)
            .ThenBy(g => g.Key.Near)
            .ThenBy(g => g.Min(m => m.Offer.PricePerHour))
            .Select(g => g.OrderBy(m => m.Offer.PricePerHour).ToList())
            .ToList();
        var kept = new List<OfferCandidate>(LeftOutKept);
        for (var rank = 0; kept.Count < LeftOutKept && groups.Any(g => g.Count > rank); rank++)
        {
            kept.AddRange(groups.Where(g => g.Count > rank).Select(g => g[rank]).Take(LeftOutKept - kept.Count));
        }

        return kept;
    }

    private static Offer OfferOf(GcpCatalogRow row, MachineResources resources, bool spot, decimal price, double diskGb)
    {
        var data = new Dictionary<string, string>(6, StringComparer.Ordinal)
        {
            [MachineTypeKey] = row.Instance,
            [ZonesKey] = string.Join(',', row.Zones),
            [MarketKey] = spot ? "spot" : "on-demand",
            [DiskKey] = diskGb.ToString(CultureInfo.InvariantCulture),
        };
        if (row.Accelerator.Length > 0)
        {
            data[AcceleratorKey] = row.Accelerator;
            data[AcceleratorCountKey] = row.Gpus.Count.ToString(CultureInfo.InvariantCulture);
        }

        return new Offer(BackendName, row.Region, row.Instance, resources, spot, price)
        {
            // One instance per job: the jobs of a run of several nodes take the same offer.
            Capacity = int.MaxValue,
            Gpus = [.. Enumerable.Range(0, row.Gpus.Count)],
            Display = row.Accelerator.Length > 0 ? row.Display : string.Empty,
            Data = data,
        };
    }

    private static bool Contains(IReadOnlyList<string> list, string value) => list.Any(item => string.Equals(item, value, StringComparison.OrdinalIgnoreCase));

    private static string Money(decimal value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
