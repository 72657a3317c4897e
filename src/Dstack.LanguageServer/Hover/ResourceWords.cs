using System.Globalization;
using Dstack.Runtime.Resources;

namespace Dstack.LanguageServer.Hover;

/// <summary>Resource values in words, from their parsed form: <c>A100:80GB:2</c> is "2 GPUs, each an A100 with 80GB".</summary>
public static class ResourceWords
{
    /// <summary>A GPU spec: how many, which models (or any), memory per GPU, and the rarer limits.</summary>
    public static string Gpu(GpuSpec spec)
    {
        var device = spec.Vendor == GpuVendor.Google ? "TPU" : "GPU";
        var count = Count(spec.Count, device, device + "s");
        if (spec.Count is { Min: 0, Max: 0 })
        {
            return $"{count} (a count of 0 asks for no accelerator)";
        }

        var single = spec.Count is { Min: 1, Max: 1 };
        var model = spec.Name is { Count: > 0 } names
            ? (single ? string.Empty : "each ") + Names(names, withArticle: single || names.Count == 1)
            : $"any {VendorName(spec.Vendor)}model";
        var text = $"{count}, {model}";
        if (spec.Memory is { } memory)
        {
            text += $" with {Size(memory)}";
        }

        var extras = new List<string>();
        if (spec.Name is { Count: > 0 } && spec.Vendor is { } vendor)
        {
            extras.Add($"from {VendorName(vendor).TrimEnd()}");
        }

        if (spec.TotalMemory is { } total)
        {
            extras.Add($"{Size(total)} of GPU memory in total");
        }

        if (spec.ComputeCapability is { } cc)
        {
            extras.Add($"compute capability {cc} or higher");
        }

        return extras.Count == 0 ? text : $"{text}; {string.Join("; ", extras)}";
    }

    /// <summary>A count range: "2 GPUs", "1 to 2 GPUs", "4 or more CPU cores", "up to 8 nodes".</summary>
    public static string Count(Range<int> range, string one, string many) => range switch
    {
        { Min: { } min, Max: { } max } when min == max => $"{N(min)} {(min == 1 ? one : many)}",
        { Min: { } min, Max: { } max } => $"{N(min)} to {N(max)} {many}",
        { Min: { } min } => $"{N(min)} or more {many}",
        { Max: { } max } => $"up to {N(max)} {(max == 1 ? one : many)}",
        _ => $"any number of {many}",
    };

    /// <summary>A size range: "80GB", "16GB to 64GB", "24GB or more", "up to 80GB".</summary>
    public static string Size(Range<Memory> range) => range switch
    {
        { Min: { } min, Max: { } max } when min.CompareTo(max) == 0 => min.ToString(),
        { Min: { } min, Max: { } max } => $"{min} to {max}",
        { Min: { } min } => $"{min} or more",
        { Max: { } max } => $"up to {max}",
        _ => "any size",
    };

    /// <summary>What the catalog knows of a GPU name: vendor, memory sizes, compute capability.</summary>
    public static string? Facts(string name)
    {
        if (GpuCatalog.Find(name) is not { } info)
        {
            return null;
        }

        var memory = string.Join(" or ", info.MemoryOptions.Select(m => new Memory(m).ToString()));
        var kind = info.Vendor == GpuVendor.Google ? $"a Google TPU {info.Name}" : $"{Article(info.Name)} {VendorName(info.Vendor)}GPU";
        var capability = info.ComputeCapability is { } cc ? $", compute capability {cc}" : string.Empty;
        return $"`{name}` is {kind} with {memory} of memory{capability}.";
    }

    /// <summary>"an A100", "an A100 or H100".</summary>
    private static string Names(IReadOnlyList<string> names, bool withArticle)
    {
        var joined = names.Count switch
        {
            1 => names[0],
            2 => $"{names[0]} or {names[1]}",
            _ => $"{string.Join(", ", names.Take(names.Count - 1))} or {names[^1]}",
        };
        return withArticle ? $"{Article(names[0])} {joined}" : joined;
    }

    /// <summary>"an" before a name read letter by letter from a vowel sound (A100, H100, L4, MI300X, RTX4090), else "a".</summary>
    private static string Article(string name) =>
        name.Length > 0 && "AEFHILMNORSX".Contains(char.ToUpperInvariant(name[0]), StringComparison.Ordinal) &&
        !name.StartsWith("Gaudi", StringComparison.OrdinalIgnoreCase) ? "an" : "a";

    private static string VendorName(GpuVendor? vendor) => vendor switch
    {
        GpuVendor.Nvidia => "NVIDIA ",
        GpuVendor.Amd => "AMD ",
        GpuVendor.Google => "Google ",
        GpuVendor.Intel => "Intel ",
        _ => string.Empty,
    };

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}
