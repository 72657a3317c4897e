namespace Dstack.Runtime.Configuration.Model;

/// <summary>A folder of the instance mounted at <see cref="VolumeMount.Path"/>; optional mounts are skipped where the folder is missing.</summary>
public sealed record InstanceVolumeMount(string InstancePath, string Path, bool Optional) : VolumeMount(Path);
