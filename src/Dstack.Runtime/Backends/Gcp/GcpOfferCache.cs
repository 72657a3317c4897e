using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Backends.Gcp;

/// <summary>
/// Compute Engine's lists kept in <c>$DSTACK_HOME/cache/gcp-offers.json</c> (written whole: beside, then renamed), fresh
/// for <see cref="FreshFor"/> after they were read. Reading it never fails: a file that is missing, corrupt, of another
/// format or from the future is no cache. A parsed file is kept in memory while the file is unchanged.
/// </summary>
public sealed class GcpOfferCache(DstackHome home)
{
    /// <summary>How long the lists are used before the CLI asks Compute Engine again (docs/backends.md says it).</summary>
    public static readonly TimeSpan FreshFor = TimeSpan.FromHours(1);

    /// <summary>The file's <c>format</c>: a file without it is someone else's, and is ignored.</summary>
    public const string Format = "dstack-gcp-offers/1";

    private static readonly Lock Gate = new();
    private static (string Path, DateTime Written, long Length, GcpLiveCatalog? Catalog) _last;

    /// <summary>The cache file.</summary>
    public string File { get; } = Path.Combine(home.CacheFolder, "gcp-offers.json");

    /// <summary>Whether lists read at <see cref="GcpLiveCatalog.FetchedAt"/> are still used at <paramref name="now"/>.</summary>
    public static bool IsFresh(GcpLiveCatalog catalog, DateTimeOffset now) => catalog.FetchedAt <= now && now - catalog.FetchedAt < FreshFor;

    /// <summary>The cached lists when they are fresh at <paramref name="now"/> and of <paramref name="regions"/>, else null.</summary>
    public GcpLiveCatalog? ReadFresh(DateTimeOffset now, IReadOnlyList<string> regions) =>
        Read() is { } catalog && IsFresh(catalog, now) && catalog.Regions.SequenceEqual(regions, StringComparer.Ordinal) ? catalog : null;

    /// <summary>The cached lists, fresh or not; null when there is no readable cache.</summary>
    public GcpLiveCatalog? Read()
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
    public bool Write(GcpLiveCatalog catalog)
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

    private static JsonObject ToJson(GcpLiveCatalog catalog) => new()
    {
        ["format"] = Format,
        ["fetched_at"] = catalog.FetchedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        ["regions"] = new JsonArray([.. catalog.Regions.Select(r => (JsonNode)r)]),
        ["zones"] = new JsonObject(catalog.Zones.OrderBy(z => z.Key, StringComparer.Ordinal).Select(z => KeyValuePair.Create(z.Key, (JsonNode?)new JsonObject
        {
            ["machine_types"] = new JsonObject(z.Value.MachineTypes.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => KeyValuePair.Create(t.Key, (JsonNode?)new JsonArray(t.Value.Cpus, t.Value.MemoryMb, t.Value.Gpus)))),
            ["accelerators"] = new JsonArray([.. z.Value.Accelerators.Order(StringComparer.Ordinal).Select(a => (JsonNode)a)]),
        }))),
    };

    private static GcpLiveCatalog? Parse(string file)
    {
        try
        {
            if (JsonNode.Parse(System.IO.File.ReadAllText(file)) is not JsonObject root || (string?)root["format"] != Format)
            {
                return null;
            }

            var fetchedAt = DateTimeOffset.Parse((string?)root["fetched_at"] ?? throw new FormatException("fetched_at is missing"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            var regions = (root["regions"] as JsonArray ?? throw new FormatException("regions is missing")).Select(r => Value<string>(r)).ToList();
            var zones = new Dictionary<string, GcpLiveZone>(StringComparer.Ordinal);
            foreach (var (name, node) in root["zones"] as JsonObject ?? throw new FormatException("zones is missing"))
            {
                var types = (node?["machine_types"] as JsonObject ?? throw new FormatException($"zone {name} has no machine_types")).ToDictionary(
                    t => t.Key,
                    t => t.Value is JsonArray { Count: 3 } facts ? new GcpLiveType(Value<int>(facts[0]), Value<int>(facts[1]), Value<int>(facts[2])) : throw new FormatException($"{t.Key} in {name} is not [cpus, memory_mb, gpus]"),
                    StringComparer.Ordinal);
                var accelerators = (node?["accelerators"] as JsonArray ?? throw new FormatException($"zone {name} has no accelerators")).Select(a => Value<string>(a)).ToHashSet(StringComparer.Ordinal);
                zones[name] = new GcpLiveZone(types, accelerators);
            }

            return new GcpLiveCatalog(fetchedAt, regions, zones);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or FormatException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }

    private static T Value<T>(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<T>(out var result) ? result : throw new FormatException("a value is missing or of the wrong kind");
}
