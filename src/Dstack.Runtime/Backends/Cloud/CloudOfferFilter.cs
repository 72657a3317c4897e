using System.Globalization;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Backends.Cloud;

/// <summary>
/// Turns a cloud's catalog rows into its offers for a run: an on-demand and a spot offer per row (a market without a
/// price is no offer), each checked against the requirements as dstack checks cloud offers (its defaults of 2.. CPUs,
/// 8GB.. memory and 100GB.. disk apply), the spot policy, <c>max_price</c>, the regions (the run's and the backend's)
/// and <c>instance_types</c>. A pure function: the same rows and requirements give the same list.
/// </summary>
/// <remarks>
/// The list holds every offer that fits, cheapest first, then at most <see cref="LeftOutKept"/> of those left out,
/// with their reasons: the cheapest of each kind of miss, nearest misses first (see <c>NearestMisses</c>), so
/// <c>dstack offer</c> can say what stands in the way without carrying the several hundred machines a GPU run rules out.
/// </remarks>
public static class CloudOfferFilter
{
    /// <summary>How many left-out machines the list keeps, with their reasons.</summary>
    public const int LeftOutKept = 20;

    /// <summary>The boot disk an offer gets when the run asks for no disk size (dstack's default).</summary>
    public const double DefaultDiskGb = 100;

    /// <summary>The <see cref="Offer.Data"/> key of the market: <c>spot</c> or <c>on-demand</c>.</summary>
    public const string MarketKey = "market";

    /// <summary>The <see cref="Offer.Data"/> key of the boot disk's size in GB.</summary>
    public const string DiskKey = "disk_gb";

    /// <summary>Every offer that fits the requirements, cheapest first, then the nearest misses with their reasons.</summary>
    /// <param name="rows">The catalog's rows (shipped, or with a cloud's live answers laid over them).</param>
    /// <param name="requirements">What the run asks for.</param>
    /// <param name="allowedRegions">The regions the backend's configuration allows; null for every region of the rows.</param>
    /// <param name="rules">The cloud's name, disk limit, words and offer data.</param>
    public static IReadOnlyList<OfferCandidate> For<TRow>(IReadOnlyList<TRow> rows, Requirements requirements, IReadOnlyList<string>? allowedRegions, CloudOfferRules<TRow> rules)
        where TRow : CloudCatalogRow
    {
        var spec = requirements.Resources;
        var (diskGb, diskProblem) = Disk(spec.Disk, rules.MaxDiskGb, rules.DiskName);
        var wantSpot = requirements.SpotPolicy is SpotPolicy.Spot or SpotPolicy.Auto;
        var wantOnDemand = requirements.SpotPolicy is null or SpotPolicy.OnDemand or SpotPolicy.Auto;
        var maxPrice = requirements.MaxPrice is { } max ? (decimal)max : (decimal?)null;
        var regions = requirements.Regions is { Count: > 0 } r ? r : null;
        var types = requirements.InstanceTypes is { Count: > 0 } t ? t : null;

        var fits = new List<OfferCandidate>();
        var misses = new List<(OfferCandidate Candidate, int Index)>();
        var unmet = new List<string>(8);
        foreach (var row in rows)
        {
            // Reasons shared by both markets, computed once per row.
            unmet.Clear();
            if (types is not null && !Contains(types, row.Instance))
            {
                unmet.Add($"instance_types: {row.Instance} is not one of {string.Join(", ", types)}");
            }

            if (regions is not null && !Contains(regions, row.Region))
            {
                unmet.Add($"regions: {row.Region} is not one of {string.Join(", ", regions)}");
            }

            if (allowedRegions is not null && !Contains(allowedRegions, row.Region))
            {
                unmet.Add($"regions: {row.Region} is not among the {rules.Backend} backend's regions ({string.Join(", ", allowedRegions)})");
            }

            if (diskProblem is not null)
            {
                unmet.Add(diskProblem);
            }

            var resources = new MachineResources(row.Cpus, new Memory(row.MemoryGb), new Memory(diskGb), row.Gpus);
            unmet.AddRange(rules.Resources is { } own
                ? own(row, spec, resources)
                : ResourceMatcher.Unmet(spec, resources, enforceDefaults: true, wholeMachine: true));
            var shared = unmet.Count;
            foreach (var spot in (ReadOnlySpan<bool>)[false, true])
            {
                var price = spot ? row.SpotPrice : row.Price;
                if (price <= 0)
                {
                    // No price for this market (a type only a cloud's live answers know, with no on-demand price).
                    continue;
                }

                var reasons = new List<string>(shared + 2);
                reasons.AddRange(unmet);
                if (spot && !wantSpot)
                {
                    reasons.Add($"spot_policy: {Policy(requirements.SpotPolicy)} takes on-demand {rules.Machines} only");
                }
                else if (!spot && !wantOnDemand)
                {
                    reasons.Add($"spot_policy: spot takes spot {rules.Machines} only");
                }

                if (maxPrice is { } limit && price > limit)
                {
                    reasons.Add($"max_price: ${Money(price)}/hour is over ${Money(limit)}");
                }

                var candidate = new OfferCandidate(OfferOf(row, resources, spot, price, diskGb, rules), reasons.Count == 0 ? [] : reasons);
                if (reasons.Count == 0)
                {
                    fits.Add(candidate);
                }
                else
                {
                    misses.Add((candidate, misses.Count));
                }
            }
        }

        return [.. fits.OrderBy(f => f.Offer.PricePerHour), .. NearestMisses(misses, spec.Gpu?.Name)];
    }

    /// <summary>The market's value of <see cref="MarketKey"/>.</summary>
    public static string Market(bool spot) => spot ? "spot" : "on-demand";

    /// <summary>A size in GB as offers' data write it (<c>100</c>, <c>0.5</c>).</summary>
    public static string Gigabytes(double gb) => gb.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The left-out machines worth showing: grouped by what keeps them out (<c>gpu</c>, <c>max_price</c>,
    /// <c>gpu + spot_policy</c>) and by how near their GPUs come (the GPU asked for by name, other GPUs, none), groups
    /// with fewer reasons and nearer GPUs first, and from each group in turn its cheapest, until
    /// <see cref="LeftOutKept"/> are taken; so a run whose only obstacle is <c>max_price</c> shows that, and
    /// <c>gpu: A100</c> shows the 8xA100 machine ("ask for 8") before hundreds of cheaper machines without a GPU.
    /// </summary>
    private static List<OfferCandidate> NearestMisses(List<(OfferCandidate Candidate, int Index)> misses, IReadOnlyList<string>? gpuNames)
    {
        int Nearness(OfferCandidate candidate) => candidate.Offer.Resources.Gpus switch
        {
            [] => 2,
            var gpus when gpuNames is { Count: > 0 } && gpus.Any(g => gpuNames.Contains(g.Name, StringComparer.OrdinalIgnoreCase)) => 0,
            _ => 1,
        };

        var groups = misses
            .GroupBy(m => (Kinds: string.Join(" + ", m.Candidate.Unmet.Select(Kind)), Near: Nearness(m.Candidate)))
            .Select(g => (g.Key.Near, Members: g.OrderBy(m => m.Candidate.Offer.PricePerHour).ThenBy(m => m.Index).Select(m => m.Candidate).ToList()))
            .OrderBy(g => g.Members[0].Unmet.Count)
            .ThenBy(g => g.Near)
            .ThenBy(g => g.Members[0].Offer.PricePerHour)
            .Select(g => g.Members)
            .ToList();
        var kept = new List<OfferCandidate>(LeftOutKept);
        for (var rank = 0; kept.Count < LeftOutKept && groups.Any(g => g.Count > rank); rank++)
        {
            foreach (var group in groups.Where(g => g.Count > rank))
            {
                kept.Add(group[rank]);
                if (kept.Count == LeftOutKept)
                {
                    break;
                }
            }
        }

        return kept;
    }

    /// <summary>What a reason is about: the property before its colon (<c>gpu</c>, <c>max_price</c>).</summary>
    private static string Kind(string reason) => reason.IndexOf(':', StringComparison.Ordinal) is var colon and > 0 ? reason[..colon] : reason;

    /// <summary>The boot disk a run gets: the least size it asks for (dstack's 100GB when it asks for none), within the cloud's limit.</summary>
    private static (double Gb, string? Problem) Disk(DiskSpec? disk, double maxGb, string diskName)
    {
        var size = disk?.Size.Min?.Gigabytes ?? Math.Min(DefaultDiskGb, disk?.Size.Max?.Gigabytes ?? DefaultDiskGb);
        return size > maxGb
            ? (maxGb, $"disk: needs {disk!.Size}, {diskName} holds at most {maxGb:0}GB")
            : (size, null);
    }

    private static Offer OfferOf<TRow>(TRow row, MachineResources resources, bool spot, decimal price, double diskGb, CloudOfferRules<TRow> rules)
        where TRow : CloudCatalogRow =>
        new(rules.Backend, row.Region, row.Instance, resources, spot, price)
        {
            // One machine per job: the jobs of a run of several nodes take the same offer (type, region, market).
            Capacity = int.MaxValue,
            Gpus = row.Gpus.Count == 0 ? [] : GpuIndexes(row.Gpus.Count),
            Display = rules.Display?.Invoke(row) ?? string.Empty,
            Data = rules.Data(row, spot, diskGb),
        };

    private static readonly int[][] Indexes = [.. Enumerable.Range(0, 17).Select(n => Enumerable.Range(0, n).ToArray())];

    private static int[] GpuIndexes(int count) => count < Indexes.Length ? Indexes[count] : [.. Enumerable.Range(0, count)];

    private static bool Contains(IReadOnlyList<string> list, string value)
    {
        foreach (var item in list)
        {
            if (string.Equals(item, value, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static string Policy(SpotPolicy? policy) => policy switch
    {
        SpotPolicy.OnDemand => "on-demand",
        null => "the default (on-demand)",
        _ => policy.Value.ToString(),
    };

    private static string Money(decimal value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
