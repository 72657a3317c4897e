using System.ComponentModel;
using Dstack.Runtime.Configuration.Model;
using DescriptionAttribute = Dstack.Runtime.Configuration.Model.DescriptionAttribute;

namespace Dstack.Runtime.Resources;

/// <summary>The hardware a job needs, with dstack 0.18's defaults: 2.. CPUs, 8GB.. memory, 100GB.. disk, no GPU filter.</summary>
public sealed record ResourcesSpec
{
    // Shared default instances: a value the user wrote is always a new object, so code that must tell a written
    // value from a default (the local backend does not enforce cloud defaults) compares references.
    public static Range<int> DefaultCpu { get; } = Range<int>.AtLeast(2);

    public static Range<Memory> DefaultMemory { get; } = Range<Memory>.AtLeast(new Memory(8));

    public static DiskSpec DefaultDisk { get; } = new();

    [Description("The number of CPU cores: exactly 4, or a range such as 2.. or 4..16.")]
    [DefaultValue("2..")]
    [Example("cpu: 4..")]
    public Range<int> Cpu { get; init; } = DefaultCpu;

    [Description("The RAM: exactly 16GB, or a range such as 8GB.. or 16GB..64GB. Sizes are binary: 1GB = 1024MB.")]
    [DefaultValue("8GB..")]
    [Example("memory: 16GB..")]
    public Range<Memory> Memory { get; init; } = DefaultMemory;

    [Description("The GPUs: a string of tokens in any order, vendor:name(s):memory:count (A100:80GB:2, 24GB..:1..2, nvidia, tpu:v5p-8), a count (2), or an object. Unset: no GPU requirement.")]
    [Example("gpu: A100:80GB:2")]
    public GpuSpec? Gpu { get; init; }

    [Description("The disk: a size or a range such as 100GB.. or 200GB..1TB, or {size: ...}. Null: no disk requirement.")]
    [DefaultValue("100GB..")]
    [Example("disk: 200GB..")]
    public DiskSpec? Disk { get; init; } = DefaultDisk;

    [Description("The size of /dev/shm, such as 16GB; PyTorch data loaders need it to be large.")]
    [Example("shm_size: 16GB")]
    public Memory? ShmSize { get; init; }

    /// <summary>dstack's plan line: <c>2..xCPU, 8GB.., 1xA100 (80GB), 100GB.. (disk)</c>.</summary>
    public override string ToString()
    {
        var parts = new List<string> { $"{Cpu}xCPU", Memory.ToString() };
        if (Gpu is not null)
        {
            parts.Add(Gpu.ToString());
        }

        if (Disk is not null)
        {
            parts.Add(Disk.ToString());
        }

        return string.Join(", ", parts);
    }
}
