namespace Dstack.Runtime.Resources;

/// <summary>One GPU model the catalog knows: its vendor, the memory sizes it comes in (GB) and, for NVIDIA, its compute capability.</summary>
public sealed record GpuInfo(string Name, GpuVendor Vendor, IReadOnlyList<double> MemoryOptions, ComputeCapability? ComputeCapability);
