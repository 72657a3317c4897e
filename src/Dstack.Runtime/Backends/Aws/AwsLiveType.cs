namespace Dstack.Runtime.Backends.Aws;

/// <summary>
/// What EC2's <c>DescribeInstanceTypes</c> says one instance type has; it overrides the shipped catalog's facts.
/// </summary>
/// <param name="Cpus">The default vCPUs.</param>
/// <param name="MemoryGb">The memory in GB (EC2's MiB / 1024).</param>
/// <param name="GpuCount">How many GPUs (0 when <c>gpuInfo</c> lists none).</param>
/// <param name="GpuName">The GPU's name as dstack writes it (EC2's, without spaces); empty without GPUs.</param>
/// <param name="GpuMemoryGb">Each GPU's memory in GB; 0 without GPUs.</param>
/// <param name="GpuVendor"><c>nvidia</c> or <c>amd</c>; empty without GPUs.</param>
/// <param name="DiskGb">The local instance storage in GB; 0 for EBS only.</param>
public sealed record AwsLiveType(int Cpus, double MemoryGb, int GpuCount, string GpuName, double GpuMemoryGb, string GpuVendor, double DiskGb);
