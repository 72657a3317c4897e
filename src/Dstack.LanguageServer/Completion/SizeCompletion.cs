using System.Globalization;
using Dstack.LanguageServer.Protocol;
using Dstack.Runtime.Resources;

namespace Dstack.LanguageServer.Completion;

/// <summary>
/// Sizes of memory and disk (<c>memory</c>, <c>disk</c>, <c>shm_size</c>, a GPU's <c>memory</c>): typical values and
/// ranges for the property, a typed number with its units (<c>16</c> → <c>16GB</c>, <c>16GB..</c>), and upper bounds
/// after a typed <c>16GB..</c>. A scalar size (<c>shm_size</c>) gets no ranges.
/// </summary>
public static class SizeCompletion
{
    /// <summary>The memory tiers GPUs come in (T4 16GB, A10/L4/RTX4090 24GB, A100 40GB, A6000/L40 48GB, A100/H100 80GB).</summary>
    private static readonly string[] GpuMemory = ["16GB..", "24GB..", "40GB..", "48GB..", "80GB.."];

    public static void Add(CompletionItems items, bool isRange)
    {
        var request = items.Request;
        var prefix = request.Prefix;
        if (RangeForms.IsNumber(prefix))
        {
            foreach (var unit in (string[])["GB", "TB", "MB"])
            {
                items.Value(prefix + unit, CompletionItemKind.Unit, RangeForms.Describe(prefix + unit));
                if (isRange && unit == "GB")
                {
                    items.Value(prefix + unit + "..", CompletionItemKind.Unit, RangeForms.Describe(prefix + unit + ".."));
                }
            }
        }

        if (isRange && RangeForms.OpenLowerBound(prefix) is { } lower && TryGigabytes(lower, out var gigabytes))
        {
            foreach (var factor in (int[])[2, 4, 8])
            {
                var upper = $"{lower}..{Format(gigabytes * factor)}";
                items.Value(upper, CompletionItemKind.Unit, RangeForms.Describe(upper));
            }
        }

        foreach (var value in Typical(request.Property?.Property.DeclaringType, request.Property?.YamlName, isRange))
        {
            items.Value(value, CompletionItemKind.Unit, RangeForms.Describe(value) + (value == request.Property?.DefaultText ? " (the default)" : string.Empty));
        }
    }

    private static IEnumerable<string> Typical(Type? owner, string? name, bool isRange) => (owner, name) switch
    {
        _ when !isRange => ["8GB", "16GB", "32GB", "64GB"],
        (_, "disk" or "size") => ["100GB..", "200GB..", "500GB..", "1TB..", "200GB..1TB"],
        (_, "total_memory") => ["80GB..", "160GB..", "320GB..", "640GB.."],
        _ when owner == typeof(GpuSpec) => [.. GpuMemory, "24GB..80GB", "80GB"],
        _ => ["8GB..", "16GB..", "32GB..", "64GB..", "16GB..64GB", "32GB"],
    };

    private static bool TryGigabytes(string size, out double gigabytes)
    {
        try
        {
            gigabytes = Memory.Parse(size).Gigabytes;
            return gigabytes > 0 && double.IsFinite(gigabytes);
        }
        catch (ValueException)
        {
            gigabytes = 0;
            return false;
        }
    }

    private static string Format(double gigabytes) => gigabytes >= 1024 && gigabytes % 1024 == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{gigabytes / 1024:0.##}TB")
        : string.Create(CultureInfo.InvariantCulture, $"{gigabytes:0.##}GB");

    /// <summary>Whether a value of <paramref name="type"/> is a size this context completes, and whether it takes ranges.</summary>
    public static bool Takes(Type type, out bool isRange)
    {
        isRange = type == typeof(Range<Memory>) || type == typeof(DiskSpec);
        return isRange || type == typeof(Memory);
    }
}
