using System.Globalization;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Planning;

/// <summary>
/// Reads what a Linux machine reports about its hardware (<c>/proc/meminfo</c>, <c>nvidia-smi</c>'s GPU list), so
/// that this machine (the local backend) and an SSH host (<c>SshHostProbe</c>) describe the same hardware the same way.
/// </summary>
public static class HardwareReport
{
    /// <summary>Parses <c>nvidia-smi --query-gpu=name,memory.total,compute_cap --format=csv,noheader,nounits</c> output.</summary>
    public static IReadOnlyList<MachineGpu> NvidiaGpus(string? csv)
    {
        var gpus = new List<MachineGpu>();
        foreach (var line in (csv ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = line.Split(',', StringSplitOptions.TrimEntries);
            if (fields.Length < 2 || !double.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var mebibytes))
            {
                continue;
            }

            ComputeCapability? cc = null;
            if (fields.Length > 2)
            {
                try
                {
                    cc = ComputeCapability.Parse(fields[2]);
                }
                catch (ValueException)
                {
                    cc = null;
                }
            }

            gpus.Add(new MachineGpu(CatalogName(fields[0]), GpuVendor.Nvidia, new Memory(Math.Round(mebibytes / 1024)), cc));
        }

        return gpus;
    }

    /// <summary>The catalog's name for a product name such as "NVIDIA A100-SXM4-80GB" or "NVIDIA GeForce RTX 4090".</summary>
    public static string CatalogName(string productName)
    {
        var compact = productName.Replace("NVIDIA", string.Empty, StringComparison.OrdinalIgnoreCase)
            .Replace("GeForce", string.Empty, StringComparison.OrdinalIgnoreCase)
            .Replace("Tesla", string.Empty, StringComparison.OrdinalIgnoreCase)
            .Replace(" ", string.Empty, StringComparison.Ordinal);
        var best = GpuCatalog.All
            .Where(g => g.Vendor == GpuVendor.Nvidia && compact.StartsWith(g.Name, StringComparison.OrdinalIgnoreCase))
            .MaxBy(g => g.Name.Length);
        return best?.Name ?? compact;
    }

    /// <summary>The <c>MemTotal:</c> line of <c>/proc/meminfo</c> lines as memory, or null when there is none.</summary>
    public static Memory? MemTotal(IEnumerable<string> meminfoLines)
    {
        foreach (var line in meminfoLines)
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal) &&
                long.TryParse(line["MemTotal:".Length..].Replace("kB", string.Empty, StringComparison.Ordinal).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var kib))
            {
                return new Memory(kib / 1024.0 / 1024.0);
            }
        }

        return null;
    }
}
