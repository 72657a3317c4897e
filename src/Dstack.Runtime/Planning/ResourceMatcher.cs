using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Planning;

/// <summary>
/// Checks a resources spec against a machine and says, for each requirement it cannot meet, what was asked and what
/// the machine has. Ranges are inclusive, GPU names match case-insensitively, as in dstack's offer filter (§3).
/// </summary>
public static class ResourceMatcher
{
    /// <summary>Every unmet requirement in words; empty when the machine fits.</summary>
    /// <param name="spec">The resources of the configuration.</param>
    /// <param name="machine">What the machine has.</param>
    /// <param name="enforceDefaults">
    /// False on the user's own machine: dstack's cloud defaults (2.. CPUs, 8GB.. memory, 100GB.. disk) are not
    /// requirements there, so only values the user wrote (even if equal to a default) are checked.
    /// </param>
    /// <param name="wholeMachine">
    /// True for a cloud instance, whose GPUs all go to the one job it is made for: its GPU count must be within the
    /// spec's count, as dstack's offer filter checks it (<c>min_gpu_count</c> and <c>max_gpu_count</c>, reference §3),
    /// so <c>gpu: A100</c> (exactly one) is not an instance with 8; false for a machine whose GPUs jobs share (this
    /// machine, a pool host), where the count is the least a job needs and it gets that many of them.
    /// </param>
    public static IReadOnlyList<string> Unmet(ResourcesSpec spec, MachineResources machine, bool enforceDefaults = true, bool wholeMachine = false)
    {
        var unmet = new List<string>();
        if (!spec.Cpu.Contains(machine.Cpus) && (enforceDefaults || !ReferenceEquals(spec.Cpu, ResourcesSpec.DefaultCpu)))
        {
            unmet.Add($"cpu: needs {spec.Cpu} CPUs, the machine has {machine.Cpus}");
        }

        if (spec.Memory.Min is { } memory && machine.Memory < memory && (enforceDefaults || !ReferenceEquals(spec.Memory, ResourcesSpec.DefaultMemory)))
        {
            unmet.Add($"memory: needs {spec.Memory}, the machine has {Rounded(machine.Memory)}");
        }

        if (spec.Disk?.Size.Min is { } disk && machine.Disk < disk && (enforceDefaults || !ReferenceEquals(spec.Disk, ResourcesSpec.DefaultDisk)))
        {
            unmet.Add($"disk: needs {spec.Disk.Size}, the machine has {Rounded(machine.Disk)} free");
        }

        if (spec.Gpu is { } gpu && GpuProblem(gpu, machine.Gpus, probed: !enforceDefaults) is { } problem)
        {
            unmet.Add(problem);
        }
        else if (wholeMachine && spec.Gpu is { Count.Max: { } most } counted && machine.Gpus.Count > most)
        {
            var has = string.Join(", ", machine.Gpus.GroupBy(g => $"{g.Name} ({g.Memory})").Select(g => $"{g.Count()}x{g.Key}"));
            unmet.Add(most == 0
                ? $"gpu: needs {counted}, the machine has {has}"
                : $"gpu: needs {counted}, the machine has {has}, and all {machine.Gpus.Count} go to the job; ask for {machine.Gpus.Count} (or a range such as {counted.Count.Min ?? 1}..{machine.Gpus.Count})");
        }

        return unmet;
    }

    /// <summary>How many of the machine's GPUs a job gets: the most the spec allows, or 0 when it asks for none.</summary>
    public static IReadOnlyList<MachineGpu> Allocate(GpuSpec? spec, IReadOnlyList<MachineGpu> gpus)
    {
        if (spec is null || spec.Count.Max == 0)
        {
            return [];
        }

        var matching = gpus.Where(g => Fits(spec, g)).ToList();
        return [.. matching.Take(spec.Count.Max ?? matching.Count)];
    }

    private static string? GpuProblem(GpuSpec spec, IReadOnlyList<MachineGpu> gpus, bool probed)
    {
        var wanted = spec.Count.Min ?? 0;
        var matching = gpus.Where(g => Fits(spec, g)).ToList();
        if (matching.Count < wanted)
        {
            // A machine of the user's own (this one, a pool host) was probed with nvidia-smi; a cloud's is its type's.
            var has = gpus.Count == 0 ? (probed ? "the machine has no GPU (nvidia-smi found none)" : "the machine has no GPU") : $"the machine has {string.Join(", ", gpus.GroupBy(g => $"{g.Name} ({g.Memory})").Select(g => $"{g.Count()}x{g.Key}"))}";
            return $"gpu: needs {spec}, {has}";
        }

        if (spec.TotalMemory is { } total)
        {
            var allocated = matching.Take(spec.Count.Max ?? matching.Count).Sum(g => g.Memory.Gigabytes);
            if (!total.Contains(new Memory(allocated)))
            {
                return $"gpu: needs {total} of GPU memory in total, the matching GPUs have {new Memory(allocated)}";
            }
        }

        return null;
    }

    /// <summary>A measured size (78.49GB free) to one decimal, as people read it.</summary>
    private static Memory Rounded(Memory memory) => new(Math.Round(memory.Gigabytes, 1));

    private static bool Fits(GpuSpec spec, MachineGpu gpu) =>
        (spec.Vendor is null || spec.Vendor == gpu.Vendor) &&
        (spec.Name is not { Count: > 0 } names || names.Any(n => string.Equals(n, gpu.Name, StringComparison.OrdinalIgnoreCase))) &&
        (spec.Memory is null || spec.Memory.Contains(gpu.Memory)) &&
        (spec.ComputeCapability is not { } cc || (gpu.ComputeCapability is { } has && has.CompareTo(cc) >= 0));
}
