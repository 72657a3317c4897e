using Dstack.Runtime.State;

namespace Dstack.Runtime.Pipelines;

/// <summary>
/// What <c>dstack artifacts download</c> copies of one saved artifact: the whole of it, or one file or folder inside it
/// (<c>output/model.bin</c>).
/// </summary>
/// <param name="Artifact">The artifact as the state store keeps it.</param>
/// <param name="Inside">The part inside the artifact, relative with '/' (<c>model.bin</c>); empty for the whole artifact.</param>
/// <param name="Source">The saved copy: under <c>$DSTACK_HOME/artifacts/RUN/FOLDER</c>.</param>
/// <param name="Destination">Where it lands: <c>DIR/FOLDER[/INSIDE]</c>.</param>
public sealed record ArtifactPick(ArtifactRecord Artifact, string Inside, string Source, string Destination)
{
    /// <summary>True when the whole artifact is copied: only then can the copy be checked against the recorded hash.</summary>
    public bool Whole => Inside.Length == 0;

    /// <summary>The path as the user names it: <c>output</c>, or <c>output/model.bin</c>.</summary>
    public string Name => Whole ? Artifact.Path : $"{Artifact.Path}/{Inside}";
}
