namespace Dstack.Runtime.Backends.Gcp;

/// <summary>What one zone offers the project: its machine types by name, and the names of its accelerator types.</summary>
public sealed record GcpLiveZone(IReadOnlyDictionary<string, GcpLiveType> MachineTypes, IReadOnlySet<string> Accelerators);
