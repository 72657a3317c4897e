using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Planning;

/// <summary>One GPU of a machine: its model name, vendor, memory and (NVIDIA) compute capability.</summary>
public sealed record MachineGpu(string Name, GpuVendor Vendor, Memory Memory, ComputeCapability? ComputeCapability = null);
