using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Backends.Aws;

/// <summary>
/// EC2's live answers kept in <c>$DSTACK_HOME/cache/aws-offers.json</c> (written whole: beside, then renamed), fresh
/// for <see cref="FreshFor"/> after they were fetched. Reading it never fails: a file that is missing, corrupt, of
/// another format or from the future is no cache (the next refresh writes it again). A parsed file is kept in memory
/// while the file is unchanged, so the editor's every lens request costs one file status, not a parse.
/// </summary>
public sealed class AwsOfferCache(DstackHome home)
{
    /// <summary>How long live offers are used before the CLI asks EC2 again (docs/backends.md says it).</summary>
    public static readonly TimeSpan FreshFor = TimeSpan.FromHours(1);

    /// <summary>The file's <c>format</c>: a file without it is someone else's, and is ignored.</summary>
    public const string Format = "dstack-aws-offers/1";

    private static readonly Lock Gate = new();
    private static (string Path, DateTime Written, long Length, AwsLiveCatalog? Catalog) _last;

    /// <summary>The cache file.</summary>
    public string File { get; } = Path.Combine(home.CacheFolder, "aws-offers.json");

    /// <summary>The cached answers when they are fresh at <paramref name="now"/>, else null.</summary>
    public AwsLiveCatalog? ReadFresh(DateTimeOffset now) =>
        Read() is { } catalog && IsFresh(catalog, now) ? catalog : null;

    /// <summary>Whether answers fetched at <see cref="AwsLiveCatalog.FetchedAt"/> are still used at <paramref name="now"/>.</summary>
    public static bool IsFresh(AwsLiveCatalog catalog, DateTimeOffset now) =>
        catalog.FetchedAt <= now && now - catalog.FetchedAt < FreshFor;

    /// <summary>The cached answers, fresh or not; null when there is no readable cache.</summary>
    public AwsLiveCatalog? Read()
    {
        FileInfo info;
        try
        {
            info = new FileInfo(File);
            if (!info.Exists)
            {
                return null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        lock (Gate)
        {
            if (_last.Path == File && _last.Written == info.LastWriteTimeUtc && _last.Length == info.Length)
            {
                return _last.Catalog;
            }
        }

        var catalog = Parse(File);
        lock (Gate)
        {
            _last = (File, info.LastWriteTimeUtc, info.Length, catalog);
        }

        return catalog;
    }

    /// <summary>Writes <paramref name="catalog"/> whole; a cache that cannot be written is only a cache (false).</summary>
    public bool Write(AwsLiveCatalog catalog)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(File)!);
            var temporary = $"{File}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
            System.IO.File.WriteAllText(temporary, ToJson(catalog).ToJsonString());
            System.IO.File.Move(temporary, File, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static JsonObject ToJson(AwsLiveCatalog catalog) => new()
    {
        ["format"] = Format,
        ["fetched_at"] = catalog.FetchedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        ["requested"] = new JsonArray([.. catalog.Requested.Select(r => (JsonNode)r)]),
        ["regions"] = new JsonObject(catalog.Regions.Select(r => KeyValuePair.Create(r.Key, (JsonNode?)new JsonObject
        {
            ["offered"] = new JsonArray([.. r.Value.Offered.Order(StringComparer.Ordinal).Select(t => (JsonNode)t)]),
            ["spot"] = new JsonObject(r.Value.SpotPrices.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
        }))),
        ["types"] = new JsonObject(catalog.Types.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)new JsonObject
        {
            ["cpus"] = t.Value.Cpus,
            ["memory_gb"] = t.Value.MemoryGb,
            ["gpu_count"] = t.Value.GpuCount,
            ["gpu_name"] = t.Value.GpuName,
            ["gpu_memory_gb"] = t.Value.GpuMemoryGb,
            ["gpu_vendor"] = t.Value.GpuVendor,
            ["disk_gb"] = t.Value.DiskGb,
        }))),
    };

    private static AwsLiveCatalog? Parse(string file)
    {
        try
        {
            if (JsonNode.Parse(System.IO.File.ReadAllText(file)) is not JsonObject root || (string?)root["format"] != Format)
            {
                return null;
            }

            var fetchedAt = DateTimeOffset.Parse(Required<string>(root, "fetched_at"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            var requested = Object<JsonArray>(root, "requested").Select(n => n?.GetValue<string>() ?? throw new FormatException("a region is null")).ToList();
            var regions = new Dictionary<string, AwsLiveRegion>(StringComparer.Ordinal);
            foreach (var (name, node) in Object<JsonObject>(root, "regions"))
            {
                var region = node as JsonObject ?? throw new FormatException($"region {name} is not an object");
                var offered = Object<JsonArray>(region, "offered").Select(n => n?.GetValue<string>() ?? throw new FormatException("a type is null")).ToHashSet(StringComparer.Ordinal);
                var spot = Object<JsonObject>(region, "spot").ToDictionary(p => p.Key, p => Positive(p.Value?.GetValue<decimal>()), StringComparer.Ordinal);
                regions[name] = new AwsLiveRegion(offered, spot);
            }

            var types = new Dictionary<string, AwsLiveType>(StringComparer.Ordinal);
            foreach (var (name, node) in Object<JsonObject>(root, "types"))
            {
                var type = node as JsonObject ?? throw new FormatException($"type {name} is not an object");
                var facts = new AwsLiveType(Required<int>(type, "cpus"), Required<double>(type, "memory_gb"), Required<int>(type, "gpu_count"), Required<string>(type, "gpu_name"), Required<double>(type, "gpu_memory_gb"), Required<string>(type, "gpu_vendor"), Required<double>(type, "disk_gb"));
                if (facts.Cpus <= 0 || facts.MemoryGb <= 0 || facts.GpuCount < 0 || (facts.GpuCount > 0) != (facts.GpuName.Length > 0 && facts.GpuVendor is "nvidia" or "amd" && facts.GpuMemoryGb > 0))
                {
                    throw new FormatException($"type {name} has facts no instance type has");
                }

                types[name] = facts;
            }

            return new AwsLiveCatalog(fetchedAt, requested, regions, types);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or FormatException or InvalidOperationException or ArgumentException or OverflowException)
        {
            return null;
        }
    }

    private static T Required<T>(JsonObject node, string name) =>
        node[name] is JsonValue value && value.TryGetValue<T>(out var result) ? result : throw new FormatException($"{name} is missing or of the wrong kind");

    private static T Object<T>(JsonObject node, string name) where T : JsonNode =>
        node[name] as T ?? throw new FormatException($"{name} is missing or of the wrong kind");

    private static decimal Positive(decimal? value) => value is > 0 ? value.Value : throw new FormatException("a price must be above 0");
}
