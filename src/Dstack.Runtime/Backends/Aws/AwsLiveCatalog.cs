using Dstack.Runtime.Backends.Cloud;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Backends.Aws;

/// <summary>
/// EC2's own answers, asked at <see cref="FetchedAt"/> (see <see cref="AwsLiveCatalogFetcher"/>), laid over the shipped
/// catalog by <see cref="Apply"/>: in a region EC2 answered for, types it does not offer are dropped, its spot prices
/// replace the catalog's typical ones, and <c>DescribeInstanceTypes</c>' facts (vCPUs, memory, GPUs, local disk)
/// replace the catalog's; regions EC2 did not answer for keep the catalog's rows.
/// </summary>
/// <param name="FetchedAt">When EC2 was asked.</param>
/// <param name="Requested">The regions the refresh asked for (those that failed too), so a change of <c>regions</c> refreshes again.</param>
/// <param name="Regions">The regions EC2 answered for.</param>
/// <param name="Types">The instance types EC2 described, by name.</param>
public sealed record AwsLiveCatalog(
    DateTimeOffset FetchedAt,
    IReadOnlyList<string> Requested,
    IReadOnlyDictionary<string, AwsLiveRegion> Regions,
    IReadOnlyDictionary<string, AwsLiveType> Types)
{
    /// <summary>The shipped rows with EC2's answers applied, in the catalog's order, then the types only EC2 knows.</summary>
    public IReadOnlyList<AwsCatalogRow> Apply(IReadOnlyList<AwsCatalogRow> shipped)
    {
        var rows = new List<AwsCatalogRow>(shipped.Count);
        var known = new HashSet<(string Region, string Instance)>();
        var onDemand = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var row in shipped)
        {
            onDemand.TryAdd(row.Instance, row.Price);
            if (!Regions.TryGetValue(row.Region, out var region))
            {
                rows.Add(row);
                continue;
            }

            known.Add((row.Region, row.Instance));
            if (!region.Offered.Contains(row.Instance))
            {
                continue;
            }

            var updated = Types.TryGetValue(row.Instance, out var facts) ? WithFacts(row, facts) : row;
            rows.Add(region.SpotPrices.TryGetValue(row.Instance, out var spot) ? updated with { SpotPrice = spot } : updated);
        }

        // Types EC2 offers and describes that the catalog lacks in that region: the on-demand price of the same type in
        // another region of the catalog, when it has one (none is no on-demand offer), and the live spot price.
        foreach (var (name, region) in Regions.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            foreach (var type in region.Offered.Order(StringComparer.Ordinal))
            {
                if (known.Contains((name, type)) || !Types.TryGetValue(type, out var facts))
                {
                    continue;
                }

                var price = onDemand.GetValueOrDefault(type);
                var spot = region.SpotPrices.GetValueOrDefault(type);
                if (price > 0 || spot > 0)
                {
                    rows.Add(WithFacts(new AwsCatalogRow(type, name, price, spot, 0, 0, 0, string.Empty, 0, string.Empty, 0), facts));
                }
            }
        }

        return rows;
    }

    /// <summary>The row with EC2's facts; AWS's own accelerators (Inferentia, Trainium: not in <c>gpuInfo</c>) stay as the catalog has them.</summary>
    private static AwsCatalogRow WithFacts(AwsCatalogRow row, AwsLiveType facts)
    {
        var updated = row with { Cpus = facts.Cpus, MemoryGb = facts.MemoryGb, DiskGb = facts.DiskGb };
        if (facts.GpuCount == 0 && row.AwsAccelerators)
        {
            return updated;
        }

        return updated with
        {
            GpuCount = facts.GpuCount,
            GpuName = facts.GpuName,
            GpuMemoryGb = facts.GpuMemoryGb,
            GpuVendor = facts.GpuVendor,
            Gpus = facts.GpuCount == 0 ? [] : GpusOf(facts),
        };
    }

    private static MachineGpu[] GpusOf(AwsLiveType facts) =>
        CloudCatalogRow.GpusOf(facts.GpuCount, facts.GpuName, facts.GpuVendor == "amd" ? GpuVendor.Amd : GpuVendor.Nvidia, facts.GpuMemoryGb);
}
