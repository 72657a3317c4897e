namespace Dstack.Runtime.State;

/// <summary>
/// One saved artifact path of a run (a workflow's <c>artifacts: [{path}]</c>), as the state store keeps it: the
/// files are under <c>$DSTACK_HOME/artifacts/RUN/</c> (<see cref="DstackHome.ArtifactsFolder"/>).
/// </summary>
/// <param name="RunId">The run.</param>
/// <param name="Path">The path as the workflow names it, normalized (<c>output</c>, <c>~/.cache/x</c>, <c>/data</c>).</param>
/// <param name="Folder">Where it is under the run's artifacts folder (relative): what <c>dstack artifacts download</c> copies.</param>
/// <param name="Files">Regular files and links in it.</param>
/// <param name="Size">Their bytes.</param>
/// <param name="Sha256">A hash of the whole content (each file's relative path, kind, size and bytes, in path order), hex.</param>
/// <param name="SavedAt">When it was saved.</param>
public sealed record ArtifactRecord(long RunId, string Path, string Folder, long Files, long Size, string Sha256, DateTimeOffset SavedAt);

/// <summary>A tag (<c>dstack tags add TAG RUN</c>): a name for a finished run, whose artifacts <c>deps: [{tag}]</c> reads.</summary>
public sealed record TagRecord(string Name, long RunId, string RunName, DateTimeOffset CreatedAt);
