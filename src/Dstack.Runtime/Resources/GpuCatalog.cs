using System.Text.RegularExpressions;

namespace Dstack.Runtime.Resources;

/// <summary>
/// The GPU models this project knows (every name dstack 0.18's gpuhunt knows, and a few newer ones), with their
/// memory sizes (and the Radeon Pro V520 of AWS's g4ad instances, as <c>V520</c>). It drives vendor inference, "did you mean" for unknown names, and the warning for a spec
/// that no known GPU can satisfy.
/// </summary>
public static partial class GpuCatalog
{
    private static readonly Dictionary<string, GpuInfo> ByName;

    static GpuCatalog()
    {
        All =
        [
            Nvidia("A10", 8.6, 24), Nvidia("A16", 8.6, 16), Nvidia("A40", 8.6, 48), Nvidia("A100", 8.0, 40, 80),
            Nvidia("A10G", 8.6, 24), Nvidia("A4000", 8.6, 16), Nvidia("A4500", 8.6, 20), Nvidia("A5000", 8.6, 24),
            Nvidia("A6000", 8.6, 48), Nvidia("H100", 9.0, 80), Nvidia("H100NVL", 9.0, 94), Nvidia("H200", 9.0, 141),
            Nvidia("GH200", 9.0, 96), Nvidia("B200", 10.0, 180), Nvidia("L4", 8.9, 24), Nvidia("L40", 8.9, 48),
            Nvidia("L40S", 8.9, 48), Nvidia("P100", 6.0, 16), Nvidia("RTX3060", 8.6, 8, 12), Nvidia("RTX3060Ti", 8.6, 8),
            Nvidia("RTX3070Ti", 8.6, 8), Nvidia("RTX3080", 8.6, 10, 12), Nvidia("RTX3080Ti", 8.6, 12), Nvidia("RTX3090", 8.6, 24),
            Nvidia("RTX4080", 8.9, 16), Nvidia("RTX4090", 8.9, 24), Nvidia("RTX5090", 12.0, 32), Nvidia("RTX6000", 7.5, 24),
            Nvidia("RTX2000Ada", 8.9, 16), Nvidia("RTX4000Ada", 8.9, 20), Nvidia("RTX6000Ada", 8.9, 48), Nvidia("T4", 7.5, 16),
            Nvidia("V100", 7.0, 16, 32),
            Other("MI100", GpuVendor.Amd, 32), Other("MI210", GpuVendor.Amd, 64), Other("MI250", GpuVendor.Amd, 128),
            Other("MI250X", GpuVendor.Amd, 128), Other("MI300A", GpuVendor.Amd, 128), Other("MI300X", GpuVendor.Amd, 192),
            Other("MI308X", GpuVendor.Amd, 192), Other("MI325X", GpuVendor.Amd, 256), Other("V520", GpuVendor.Amd, 8),
            Other("v2", GpuVendor.Google, 16), Other("v3", GpuVendor.Google, 32), Other("v4", GpuVendor.Google, 32),
            Other("v5p", GpuVendor.Google, 95), Other("v5litepod", GpuVendor.Google, 16), Other("v6e", GpuVendor.Google, 32),
            Other("Gaudi", GpuVendor.Intel, 32), Other("Gaudi2", GpuVendor.Intel, 96), Other("Gaudi3", GpuVendor.Intel, 128),
        ];
        ByName = All.ToDictionary(g => g.Name, StringComparer.OrdinalIgnoreCase);
    }

    public static IReadOnlyList<GpuInfo> All { get; }

    /// <summary>Names a user writes in a spec: GPU models, plus TPU slices such as <c>v5p-8</c> for each TPU version.</summary>
    public static IEnumerable<string> SpecNames =>
        All.Select(g => g.Vendor == GpuVendor.Google ? g.Name + "-8" : g.Name);

    /// <summary>The model a spec name refers to: <c>a100</c> → A100, <c>v3-64</c> → TPU v3; null if unknown.</summary>
    public static GpuInfo? Find(string name)
    {
        if (ByName.TryGetValue(name, out var info))
        {
            return info.Vendor == GpuVendor.Google ? null : info;
        }

        var tpu = TpuSlice().Match(name);
        return tpu.Success && ByName.TryGetValue(tpu.Groups[1].Value, out var version) && version.Vendor == GpuVendor.Google ? version : null;
    }

    /// <summary>
    /// dstack's vendor inference (reference §4): one vendor shared by every name, or null when the names
    /// disagree or any is unknown. Intel is never inferred.
    /// </summary>
    public static GpuVendor? InferVendor(IReadOnlyList<string> names)
    {
        GpuVendor? found = null;
        foreach (var name in names)
        {
            var vendor = Find(name)?.Vendor;
            if (vendor is null or GpuVendor.Intel || (found is not null && found != vendor))
            {
                return null;
            }

            found = vendor;
        }

        return found;
    }

    [GeneratedRegex("^(v2|v3|v4|v5p|v5litepod|v6e)-[0-9]+$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TpuSlice();

    private static GpuInfo Nvidia(string name, double cc, params double[] memory) =>
        new(name, GpuVendor.Nvidia, memory, new ComputeCapability((int)cc, (int)Math.Round((cc - Math.Floor(cc)) * 10)));

    private static GpuInfo Other(string name, GpuVendor vendor, params double[] memory) => new(name, vendor, memory, null);
}
