using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Planning;

/// <summary>What a machine has: CPU cores, RAM, free disk and GPUs.</summary>
public sealed record MachineResources(int Cpus, Memory Memory, Memory Disk, IReadOnlyList<MachineGpu> Gpus)
{
    /// <summary>dstack's offer display: <c>16xCPU, 64GB, 2xA100 (80GB), 500GB (disk)</c>.</summary>
    public override string ToString()
    {
        var parts = new List<string> { $"{Cpus}xCPU", Rounded(Memory) };
        foreach (var group in Gpus.GroupBy(g => (g.Name, g.Memory)))
        {
            parts.Add($"{group.Count()}x{group.Key.Name} ({group.Key.Memory})");
        }

        parts.Add($"{Rounded(Disk)} (disk)");
        return string.Join(", ", parts);
    }

    /// <summary>Measured sizes (23.54GB of RAM) shown as dstack shows offers: whole gigabytes.</summary>
    private static string Rounded(Memory memory) => new Memory(Math.Floor(memory.Gigabytes)).ToString();
}
