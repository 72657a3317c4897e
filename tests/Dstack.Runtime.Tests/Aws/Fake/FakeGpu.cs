namespace Dstack.Runtime.Tests.Aws.Fake;

/// <summary>The GPUs of an instance type, as EC2's <c>GpuDeviceInfo</c> describes them.</summary>
/// <param name="Name">The accelerator's name as EC2 writes it, e.g. <c>A10G</c>.</param>
/// <param name="Manufacturer">E.g. <c>NVIDIA</c>.</param>
/// <param name="Count">How many the type has.</param>
/// <param name="MemoryMiB">The memory of one GPU, in MiB.</param>
public sealed record FakeGpu(string Name, string Manufacturer, int Count, int MemoryMiB);
