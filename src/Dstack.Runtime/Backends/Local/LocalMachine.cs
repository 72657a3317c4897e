using System.Globalization;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Processes;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Backends.Local;

/// <summary>
/// Reads the resources of the machine this process runs on: cores, RAM (<c>/proc/meminfo</c>), the free disk of
/// the folder jobs run in, and NVIDIA GPUs through <c>nvidia-smi</c> when it is installed.
/// </summary>
public static class LocalMachine
{
    public static MachineResources Detect(string workFolder)
    {
        return new MachineResources(Environment.ProcessorCount, TotalMemory(), FreeDisk(workFolder), NvidiaGpus(RunNvidiaSmi()));
    }

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

    private static Memory TotalMemory()
    {
        try
        {
            if (MemTotal(File.ReadLines("/proc/meminfo")) is { } total)
            {
                return total;
            }
        }
        catch (IOException)
        {
        }

        return new Memory(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024.0 / 1024.0 / 1024.0);
    }

    private static Memory FreeDisk(string folder)
    {
        try
        {
            // The state folder may not exist yet: measure the nearest folder that does.
            var existing = Path.GetFullPath(folder);
            while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
            {
                existing = parent;
            }

            return new Memory(new DriveInfo(existing).AvailableFreeSpace / 1024.0 / 1024.0 / 1024.0);
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return new Memory(0);
        }
    }

    private static string? RunNvidiaSmi() =>
        ProgramOutput.TryRun("nvidia-smi", ["--query-gpu=name,memory.total,compute_cap", "--format=csv,noheader,nounits"], TimeSpan.FromSeconds(10));
}
