using System.ComponentModel;
using System.Text;
using DescriptionAttribute = Dstack.Runtime.Configuration.Model.DescriptionAttribute;

namespace Dstack.Runtime.Resources;

/// <summary>
/// What GPUs a job needs: vendor, any of several names, how many, memory per GPU and in total, and a minimum
/// compute capability. Written as a string of tokens in any order (<c>A100:80GB:2</c>, <c>24GB..40GB:2</c>,
/// <c>nvidia</c>, <c>tpu:v5p-1024</c>) or as an object.
/// </summary>
public sealed record GpuSpec
{
    [Description("The vendor: nvidia, amd, google (also written tpu) or intel. Inferred from the names when left out.")]
    public GpuVendor? Vendor { get; init; }

    [Description("The GPU model, or a list of models any of which will do (A100, H100, RTX4090, v5litepod-8).")]
    [Configuration.Model.SingleOrList]
    public IReadOnlyList<string>? Name { get; init; }

    [Description("How many GPUs: an exact number (2) or a range (1..4). Default: exactly 1.")]
    [DefaultValue("1")]
    public Range<int> Count { get; init; } = Range<int>.Exactly(1);

    [Description("Memory per GPU (VRAM): 24GB exactly, or a range such as 24GB..80GB.")]
    public Range<Memory>? Memory { get; init; }

    [Description("Memory summed over all the GPUs, such as 160GB..")]
    public Range<Memory>? TotalMemory { get; init; }

    [Description("The minimum CUDA compute capability, such as 8.0 (NVIDIA only).")]
    public ComputeCapability? ComputeCapability { get; init; }

    /// <summary>
    /// The spec in the string grammar (<c>nvidia:A100,H100:40GB..80GB:2</c>); null when it has parts the string
    /// form cannot hold (total_memory, compute_capability, an empty name list, a name that the parser would read
    /// differently: not letter-first, a vendor word, or a <c>tpu-</c> prefix, which the parser strips).
    /// </summary>
    public string? ToSpecString()
    {
        if (TotalMemory is not null || ComputeCapability is not null || Name is { Count: 0 } ||
            Name?.Any(n => n.Length == 0 || !char.IsLetter(n[0]) || n.Contains(',') || n.Contains(':') || n.Contains(' ') ||
                GpuSpecParser.TryVendor(n, out _) || n.StartsWith("tpu-", StringComparison.Ordinal)) == true)
        {
            return null;
        }

        var tokens = new List<string>();
        if (Vendor is { } vendor)
        {
            tokens.Add(vendor.ToString().ToLowerInvariant());
        }

        if (Name is { } names)
        {
            tokens.Add(string.Join(',', names));
        }

        if (Memory is not null)
        {
            tokens.Add(Memory.ToString());
        }

        tokens.Add(Count.ToString());
        return string.Join(':', tokens);
    }

    /// <summary>dstack's plan display: <c>2xA100,H100 (40GB..80GB, total 160GB.., 8.0)</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(Count).Append('x').Append(Name is { Count: > 0 } names ? string.Join(',', names) : "GPU");
        var details = new List<string>();
        if (Memory is not null)
        {
            details.Add(Memory.ToString());
        }

        if (TotalMemory is not null)
        {
            details.Add($"total {TotalMemory}");
        }

        if (ComputeCapability is { } cc)
        {
            details.Add(cc.ToString());
        }

        if (details.Count > 0)
        {
            text.Append(" (").Append(string.Join(", ", details)).Append(')');
        }

        return text.ToString();
    }

    public bool Equals(GpuSpec? other) =>
        other is not null && Vendor == other.Vendor && Count == other.Count && Memory == other.Memory &&
        TotalMemory == other.TotalMemory && ComputeCapability == other.ComputeCapability &&
        (Name is null ? other.Name is null : other.Name is not null && Name.SequenceEqual(other.Name));

    public override int GetHashCode() => HashCode.Combine(Vendor, Count, Memory, TotalMemory, ComputeCapability, Name?.Count);
}
