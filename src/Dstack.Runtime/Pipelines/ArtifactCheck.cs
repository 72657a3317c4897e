namespace Dstack.Runtime.Pipelines;

/// <summary>
/// A downloaded artifact measured against what the state store recorded when the run saved it
/// (<see cref="ArtifactMeasure"/>).
/// </summary>
/// <param name="Pick">The artifact.</param>
/// <param name="Measured">The folder or file measured: the copy when it holds exactly the artifact's entries, else the saved copy.</param>
/// <param name="OfCopy">True when <paramref name="Measured"/> is the copy (a destination that also holds other files is not measured).</param>
/// <param name="Files">Files found.</param>
/// <param name="Size">Bytes found.</param>
/// <param name="Sha256">The hash found, hex.</param>
public sealed record ArtifactCheck(ArtifactPick Pick, string Measured, bool OfCopy, long Files, long Size, string Sha256)
{
    /// <summary>True when the content is what the run saved.</summary>
    public bool Matches => string.Equals(Sha256, Pick.Artifact.Sha256, StringComparison.OrdinalIgnoreCase);
}
