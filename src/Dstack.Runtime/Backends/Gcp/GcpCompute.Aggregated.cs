using System.Text.Json.Nodes;

namespace Dstack.Runtime.Backends.Gcp;

/// <summary>
/// The project's machine types and accelerator types of every zone in one list each
/// (<c>projects/P/aggregated/machineTypes</c>, <c>…/aggregated/acceleratorTypes</c>): <c>items</c> keyed by
/// <c>zones/ZONE</c>, each with its resources under the collection's name, paged by <c>nextPageToken</c>.
/// </summary>
public sealed partial class GcpCompute
{
    /// <summary>Every machine type, by zone (all pages).</summary>
    public Task<IReadOnlyDictionary<string, IReadOnlyList<JsonObject>>> AggregatedMachineTypesAsync(CancellationToken cancellationToken) =>
        AggregatedAsync("machineTypes", cancellationToken);

    /// <summary>Every accelerator type, by zone (all pages).</summary>
    public Task<IReadOnlyDictionary<string, IReadOnlyList<JsonObject>>> AggregatedAcceleratorTypesAsync(CancellationToken cancellationToken) =>
        AggregatedAsync("acceleratorTypes", cancellationToken);

    private async Task<IReadOnlyDictionary<string, IReadOnlyList<JsonObject>>> AggregatedAsync(string collection, CancellationToken cancellationToken)
    {
        var zones = new Dictionary<string, List<JsonObject>>(StringComparer.Ordinal);
        string? page = null;
        do
        {
            var path = $"projects/{project}/aggregated/{collection}" + (page is null ? string.Empty : $"?pageToken={Uri.EscapeDataString(page)}");
            var answer = await SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
            foreach (var (key, scoped) in answer?["items"] as JsonObject ?? [])
            {
                // A zone without any answers with a warning instead of the list: it still counts as a zone with none.
                if (key.StartsWith("zones/", StringComparison.Ordinal))
                {
                    var zone = key["zones/".Length..];
                    if (!zones.TryGetValue(zone, out var list))
                    {
                        zones[zone] = list = [];
                    }

                    list.AddRange((scoped?[collection] as JsonArray ?? []).OfType<JsonObject>());
                }
            }

            page = (string?)answer?["nextPageToken"];
        }
        while (page is { Length: > 0 });
        return zones.ToDictionary(z => z.Key, z => (IReadOnlyList<JsonObject>)z.Value, StringComparer.Ordinal);
    }
}
