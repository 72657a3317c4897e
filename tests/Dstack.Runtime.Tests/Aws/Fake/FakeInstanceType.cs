namespace Dstack.Runtime.Tests.Aws.Fake;

/// <summary>
/// One instance type the fake knows: what <c>DescribeInstanceTypes</c> says of it, where it is offered and its spot
/// price. The figures of <see cref="Defaults"/> are those of AWS's public instance type pages; prices are round
/// made-up numbers of the right size.
/// </summary>
/// <param name="Name">E.g. <c>g5.xlarge</c>.</param>
/// <param name="VCpus">Default vCPUs.</param>
/// <param name="MemoryMiB">Memory in MiB.</param>
/// <param name="Gpu">The GPUs, or null for none.</param>
/// <param name="DiskCount">How many instance store disks (0 for EBS only).</param>
/// <param name="DiskSizeGB">The size of one instance store disk in GB.</param>
/// <param name="SpotPrice">The spot price per hour in USD that <c>DescribeSpotPriceHistory</c> answers.</param>
/// <param name="ZoneLetters">The zone letters (a, b, c) of each region where the type is offered.</param>
public sealed record FakeInstanceType(
    string Name,
    int VCpus,
    int MemoryMiB,
    FakeGpu? Gpu,
    int DiskCount,
    int DiskSizeGB,
    decimal SpotPrice,
    string ZoneLetters = "abc")
{
    /// <summary>The regions that offer the type; null for every region of the fake.</summary>
    public IReadOnlyList<string>? OnlyIn { get; init; }

    /// <summary>Whether <paramref name="region"/> offers the type.</summary>
    public bool OfferedIn(string region) => OnlyIn is null || OnlyIn.Contains(region);

    /// <summary>t3.medium, m5.xlarge, g5.xlarge (1x A10G 24 GB), g4dn.xlarge (1x T4 16 GB), p4d.24xlarge (8x A100 40 GB).</summary>
    public static IReadOnlyList<FakeInstanceType> Defaults { get; } =
    [
        new("t3.medium", 2, 4096, null, 0, 0, 0.0125m),
        new("m5.xlarge", 4, 16384, null, 0, 0, 0.0800m),
        new("g5.xlarge", 4, 16384, new FakeGpu("A10G", "NVIDIA", 1, 24576), 1, 250, 0.4500m),
        new("g4dn.xlarge", 4, 16384, new FakeGpu("T4", "NVIDIA", 1, 16384), 1, 125, 0.2200m),
        new("p4d.24xlarge", 96, 1179648, new FakeGpu("A100", "NVIDIA", 8, 40960), 8, 1000, 9.8000m, "ab"),
    ];
}
