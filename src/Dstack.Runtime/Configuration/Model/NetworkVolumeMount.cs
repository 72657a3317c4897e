namespace Dstack.Runtime.Configuration.Model;

/// <summary>A network volume mounted at <see cref="VolumeMount.Path"/>; several names mean "any one of them".</summary>
public sealed record NetworkVolumeMount(IReadOnlyList<string> Name, string Path) : VolumeMount(Path)
{
    public bool Equals(NetworkVolumeMount? other) =>
        other is not null && Path == other.Path && Name.SequenceEqual(other.Name);

    public override int GetHashCode() => HashCode.Combine(Path, Name.Count);
}
