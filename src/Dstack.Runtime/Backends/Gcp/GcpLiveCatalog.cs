using System.Text.Json.Nodes;
using Dstack.Runtime.Planning;

namespace Dstack.Runtime.Backends.Gcp;

/// <summary>
/// Compute Engine's own lists of the project (aggregated machineTypes and acceleratorTypes) for the zones of the
/// regions asked, laid over the shipped catalog by <see cref="Apply"/>: a row is offered in the zones that list both its
/// machine type and its accelerator type, with the vCPUs, memory and built-in GPU count the API gives; its prices stay
/// the catalog's. A type the API lists that the catalog has no price for is not offered (an offer without a price could
/// be neither ranked nor held to <c>max_price</c>).
/// </summary>
/// <param name="FetchedAt">When the lists were read.</param>
/// <param name="Regions">The regions asked (the configured ones, else every region of the catalog).</param>
/// <param name="Zones">Each zone of those regions, by name.</param>
public sealed record GcpLiveCatalog(DateTimeOffset FetchedAt, IReadOnlyList<string> Regions, IReadOnlyDictionary<string, GcpLiveZone> Zones)
{
    /// <summary>The lists as the API gave them (zone → resources), kept for the zones of <paramref name="regions"/>.</summary>
    public static GcpLiveCatalog From(
        DateTimeOffset fetchedAt,
        IReadOnlyList<string> regions,
        IReadOnlyDictionary<string, IReadOnlyList<JsonObject>> machineTypes,
        IReadOnlyDictionary<string, IReadOnlyList<JsonObject>> acceleratorTypes)
    {
        var zones = new Dictionary<string, GcpLiveZone>(StringComparer.Ordinal);
        foreach (var zone in machineTypes.Keys.Union(acceleratorTypes.Keys).Where(z => regions.Contains(RegionOf(z), StringComparer.Ordinal)))
        {
            var types = new Dictionary<string, GcpLiveType>(StringComparer.Ordinal);
            foreach (var type in machineTypes.GetValueOrDefault(zone) ?? [])
            {
                if ((string?)type["name"] is { Length: > 0 } name && type["deprecated"]?["state"] is null)
                {
                    var gpus = (type["accelerators"] as JsonArray ?? []).Sum(a => (int?)a?["guestAcceleratorCount"] ?? 0);
                    types[name] = new GcpLiveType((int?)type["guestCpus"] ?? 0, (int?)type["memoryMb"] ?? 0, gpus);
                }
            }

            var accelerators = (acceleratorTypes.GetValueOrDefault(zone) ?? []).Select(a => (string?)a["name"]).OfType<string>().ToHashSet(StringComparer.Ordinal);
            zones[zone] = new GcpLiveZone(types, accelerators);
        }

        return new GcpLiveCatalog(fetchedAt, regions, zones);
    }

    /// <summary>The region of a zone: <c>us-central1-a</c> is in <c>us-central1</c>.</summary>
    public static string RegionOf(string zone) => zone.LastIndexOf('-') is var dash and > 0 ? zone[..dash] : zone;

    /// <summary>
    /// The rows as these lists have them (rows of regions not asked are as they were), and the rows no zone of their
    /// region offers, with why.
    /// </summary>
    public (IReadOnlyList<GcpCatalogRow> Rows, IReadOnlyList<(GcpCatalogRow Row, string Why)> Absent) Apply(IReadOnlyList<GcpCatalogRow> rows)
    {
        var kept = new List<GcpCatalogRow>(rows.Count);
        var absent = new List<(GcpCatalogRow, string)>();
        var zonesOf = Zones.Keys.GroupBy(RegionOf, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (!Regions.Contains(row.Region, StringComparer.Ordinal))
            {
                kept.Add(row);
                continue;
            }

            bool Offers(string zone) => Zones[zone].MachineTypes.ContainsKey(row.Instance) && (row.Accelerator.Length == 0 || Zones[zone].Accelerators.Contains(row.Accelerator));
            var regionZones = zonesOf.GetValueOrDefault(row.Region) ?? [];
            List<string> offered = [.. row.Zones.Where(z => Zones.ContainsKey(z) && Offers(z)), .. regionZones.Where(z => !row.Zones.Contains(z) && Offers(z))];
            if (offered.Count == 0)
            {
                var what = row.Accelerator.Length == 0 ? row.Instance : $"{row.Instance} with {row.Accelerator}";
                absent.Add((row, $"regions: {what} is not offered in any zone of {row.Region} to this project (Compute Engine's machineTypes and acceleratorTypes lists)"));
                continue;
            }

            var live = Zones[offered[0]].MachineTypes[row.Instance];
            IReadOnlyList<MachineGpu> gpus = row.Accelerator.Length == 0 && row.Gpus.Count > 0 && live.Gpus > 0 ? [.. Enumerable.Repeat(row.Gpus[0], live.Gpus)] : row.Gpus;
            kept.Add(row with
            {
                Zones = offered,
                Cpus = live.Cpus > 0 ? live.Cpus : row.Cpus,
                MemoryGb = live.MemoryMb > 0 ? live.MemoryMb / 1024.0 : row.MemoryGb,
                Gpus = gpus,
            });
        }

        return (kept, absent);
    }
}
