using System.Globalization;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Backends.Azure;

/// <summary>
/// Turns catalog rows into the Azure backend's offers for a run: a pay-as-you-go and a spot offer per row, each checked
/// against the requirements as dstack checks cloud offers (its defaults of 2.. CPUs, 8GB.. memory and 100GB.. disk
/// apply), the spot policy, <c>max_price</c>, the regions (the run's and the backend's) and <c>instance_types</c>.
/// A pure function: the same rows and requirements give the same list: every offer that fits, cheapest first, then at
/// most <see cref="LeftOutKept"/> of those left out with their reasons (fewest reasons first, then the nearest GPUs, then cheapest).
/// </summary>
public static class AzureOffers
{
    /// <summary>The backend's name in offers.</summary>
    public const string BackendName = "azure";

    /// <summary>How many left-out VM sizes the list keeps, with their reasons.</summary>
    public const int LeftOutKept = 20;

    /// <summary>The largest managed OS disk (4,095 GiB), the most disk an offer can have.</summary>
    public const double MaxDiskGb = 4095;

    /// <summary>The OS disk an offer gets when the run asks for no disk size (dstack's default).</summary>
    public const double DefaultDiskGb = 100;

    /// <summary>The <see cref="Offer.Data"/> key of the VM size.</summary>
    public const string VmSizeKey = "vm_size";

    /// <summary>The <see cref="Offer.Data"/> key of the market: <c>spot</c> or <c>on-demand</c>.</summary>
    public const string MarketKey = "market";

    /// <summary>The <see cref="Offer.Data"/> key of the OS disk's size in GB.</summary>
    public const string DiskKey = "disk_gb";

    /// <summary>Every offer that fits the requirements, cheapest first, then the nearest misses with their reasons.</summary>
    /// <param name="rows">The catalog's rows.</param>
    /// <param name="requirements">What the run asks for.</param>
    /// <param name="allowedRegions">The regions of the backend's configuration; null for every region of the catalog.</param>
    public static IReadOnlyList<OfferCandidate> For(IReadOnlyList<AzureCatalogRow> rows, Requirements requirements, IReadOnlyList<string>? allowedRegions)
    {
        var spec = requirements.Resources;
        var size = spec.Disk?.Size.Min?.Gigabytes ?? Math.Min(DefaultDiskGb, spec.Disk?.Size.Max?.Gigabytes ?? DefaultDiskGb);
        string? diskProblem = null;
        if (size > MaxDiskGb)
        {
            diskProblem = $"disk: needs {spec.Disk!.Size}, an Azure OS disk holds at most {MaxDiskGb:0}GB";
            size = MaxDiskGb;
        }

        var wantSpot = requirements.SpotPolicy is SpotPolicy.Spot or SpotPolicy.Auto;
        var wantOnDemand = requirements.SpotPolicy is null or SpotPolicy.OnDemand or SpotPolicy.Auto;
        var maxPrice = requirements.MaxPrice is { } max ? (decimal)max : (decimal?)null;
        var regions = requirements.Regions is { Count: > 0 } r ? r : null;
        var types = requirements.InstanceTypes is { Count: > 0 } t ? t : null;

        var fits = new List<OfferCandidate>();
        var misses = new List<OfferCandidate>();
        foreach (var row in rows)
        {
            var unmet = new List<string>();
            if (types is not null && !Contains(types, row.Size))
            {
                unmet.Add($"instance_types: {row.Size} is not one of {string.Join(", ", types)}");
            }

            if (regions is not null && !Contains(regions, row.Region))
            {
                unmet.Add($"regions: {row.Region} is not one of {string.Join(", ", regions)}");
            }

            if (allowedRegions is not null && !Contains(allowedRegions, row.Region))
            {
                unmet.Add($"regions: {row.Region} is not among the azure backend's regions ({string.Join(", ", allowedRegions)})");
            }

            if (diskProblem is not null)
            {
                unmet.Add(diskProblem);
            }

            var resources = new MachineResources(row.Cpus, new Memory(row.MemoryGb), new Memory(size), row.Gpus);
            unmet.AddRange(ResourceMatcher.Unmet(spec, resources, enforceDefaults: true, wholeMachine: true));
            foreach (var spot in (ReadOnlySpan<bool>)[false, true])
            {
                var price = spot ? row.SpotPrice : row.Price;
                var reasons = new List<string>(unmet);
                if (spot && !wantSpot)
                {
                    reasons.Add($"spot_policy: {(requirements.SpotPolicy is null ? "the default (on-demand)" : "on-demand")} takes on-demand VMs only");
                }
                else if (!spot && !wantOnDemand)
                {
                    reasons.Add("spot_policy: spot takes spot VMs only");
                }

                if (maxPrice is { } limit && price > limit)
                {
                    reasons.Add($"max_price: ${Money(price)}/hour is over ${Money(limit)}");
                }

                (reasons.Count == 0 ? fits : misses).Add(new OfferCandidate(OfferOf(row, resources, spot, price, size), reasons));
            }
        }

        return
        [
            .. fits.OrderBy(f => f.Offer.PricePerHour),
            .. misses.OrderBy(m => m.Unmet.Count).ThenBy(m => Nearness(m.Offer, spec.Gpu?.Name)).ThenBy(m => m.Offer.PricePerHour).Take(LeftOutKept),
        ];
    }

    /// <summary>How near a left-out VM's GPUs come to the spec: the GPU named (0), other GPUs (1), none (2); <c>gpu: A100</c> over $5 shows the A100 sizes before cheap ones without a GPU.</summary>
    private static int Nearness(Offer offer, IReadOnlyList<string>? names) => offer.Resources.Gpus switch
    {
        [] => 2,
        var gpus when names is { Count: > 0 } && gpus.Any(g => names.Contains(g.Name, StringComparer.OrdinalIgnoreCase)) => 0,
        _ => 1,
    };

    private static Offer OfferOf(AzureCatalogRow row, MachineResources resources, bool spot, decimal price, double diskGb) =>
        new(BackendName, row.Region, row.Size, resources, spot, price)
        {
            // One VM per job: the jobs of a run of several nodes take the same offer (size, region, market).
            Capacity = int.MaxValue,
            Gpus = [.. Enumerable.Range(0, row.Gpus.Count)],
            Data = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [VmSizeKey] = row.Size,
                [MarketKey] = spot ? "spot" : "on-demand",
                [DiskKey] = diskGb.ToString(CultureInfo.InvariantCulture),
            },
        };

    private static bool Contains(IReadOnlyList<string> list, string value) => list.Any(item => string.Equals(item, value, StringComparison.OrdinalIgnoreCase));

    private static string Money(decimal value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
