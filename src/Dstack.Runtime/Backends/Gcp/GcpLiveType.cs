namespace Dstack.Runtime.Backends.Gcp;

/// <summary>A machine type as a zone's machineTypes list gives it: vCPUs (<c>guestCpus</c>), <c>memoryMb</c>, and its built-in GPUs (<c>accelerators[].guestAcceleratorCount</c>).</summary>
public sealed record GcpLiveType(int Cpus, int MemoryMb, int Gpus);
