using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Dstack.Runtime.Backends.Gcp;

namespace Dstack.Runtime.Tests.Gcp.Fake;

/// <summary>
/// The fake's aggregated lists (<c>projects/P/aggregated/machineTypes</c> and <c>…/acceleratorTypes</c>) in the API's
/// JSON: <c>items</c> keyed by <c>zones/ZONE</c>, a zone without any answering with a <c>NO_RESULTS_ON_PAGE</c> warning,
/// <see cref="ZonesPerPage"/> zones a page with <c>nextPageToken</c>. What each zone has is made from the shipped
/// catalog (every row's machine type and accelerator type in every zone of the row) less what a test takes away.
/// </summary>
public sealed partial class FakeGcp
{
    private readonly HashSet<(string Zone, string Name)> _withdrawn = [];

    /// <summary>How many zones one page of an aggregated list holds.</summary>
    public int ZonesPerPage { get; set; } = 5;

    /// <summary>When set, the aggregated lists answer with this status (403: the permission is missing; 401: bad credentials).</summary>
    public HttpStatusCode? ListFailure { get; set; }

    /// <summary>Takes a machine type or an accelerator type out of a zone's lists.</summary>
    public void Withdraw(string zone, string name)
    {
        lock (_gate)
        {
            _withdrawn.Add((zone, name));
        }
    }

    private JsonObject AggregatedList(string collection, string pageToken)
    {
        var machineTypes = collection == "machineTypes";
        var rows = GcpCatalog.Shipped.Rows;
        var zones = rows.SelectMany(r => r.Zones).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var start = int.TryParse(pageToken.Replace("page-", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture, out var index) ? index : 0;
        var items = new JsonObject();
        foreach (var zone in zones.Skip(start).Take(ZonesPerPage))
        {
            var resources = new JsonArray();
            lock (_gate)
            {
                if (machineTypes)
                {
                    foreach (var row in rows.Where(r => r.Zones.Contains(zone) && !_withdrawn.Contains((zone, r.Instance))).DistinctBy(r => r.Instance))
                    {
                        var type = new JsonObject
                        {
                            ["kind"] = "compute#machineType",
                            ["id"] = (Math.Abs(row.Instance.GetHashCode(StringComparison.Ordinal)) + 1000).ToString(CultureInfo.InvariantCulture),
                            ["name"] = row.Instance,
                            ["description"] = $"{row.Cpus} vCPUs, {row.MemoryGb} GB RAM",
                            ["guestCpus"] = row.Cpus,
                            ["memoryMb"] = (int)(row.MemoryGb * 1024),
                            ["maximumPersistentDisks"] = 128,
                            ["maximumPersistentDisksSizeGb"] = "263168",
                            ["zone"] = zone,
                            ["selfLink"] = $"{Url}/compute/v1/projects/fake-project-1/zones/{zone}/machineTypes/{row.Instance}",
                            ["isSharedCpu"] = false,
                        };
                        if (row.Accelerator.Length == 0 && row.Gpus.Count > 0)
                        {
                            type["accelerators"] = new JsonArray(new JsonObject { ["guestAcceleratorType"] = $"nvidia-{row.Gpus[0].Name.ToLowerInvariant()}", ["guestAcceleratorCount"] = row.Gpus.Count });
                        }

                        resources.Add(type);
                    }
                }
                else
                {
                    foreach (var name in rows.Where(r => r.Zones.Contains(zone) && r.Accelerator.Length > 0).Select(r => r.Accelerator).Distinct(StringComparer.Ordinal).Where(a => !_withdrawn.Contains((zone, a))))
                    {
                        resources.Add(new JsonObject
                        {
                            ["kind"] = "compute#acceleratorType",
                            ["name"] = name,
                            ["description"] = $"NVIDIA {name}",
                            ["zone"] = $"{Url}/compute/v1/projects/fake-project-1/zones/{zone}",
                            ["maximumCardsPerInstance"] = 8,
                        });
                    }
                }
            }

            items[$"zones/{zone}"] = resources.Count > 0
                ? new JsonObject { [collection] = resources }
                : new JsonObject { ["warning"] = new JsonObject { ["code"] = "NO_RESULTS_ON_PAGE", ["message"] = "There are no results for scope 'zones/" + zone + "' on this page." } };
        }

        var answer = new JsonObject
        {
            ["kind"] = machineTypes ? "compute#machineTypeAggregatedList" : "compute#acceleratorTypeAggregatedList",
            ["id"] = $"projects/fake-project-1/aggregated/{collection}",
            ["items"] = items,
            ["selfLink"] = $"{Url}/compute/v1/projects/fake-project-1/aggregated/{collection}",
        };
        if (start + ZonesPerPage < zones.Count)
        {
            answer["nextPageToken"] = $"page-{start + ZonesPerPage}";
        }

        return answer;
    }
}
