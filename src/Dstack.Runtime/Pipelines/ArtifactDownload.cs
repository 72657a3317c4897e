using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Pipelines;

/// <summary>
/// <c>dstack artifacts download</c>: copies a run's saved artifacts (all, one, or a file or folder inside one) from
/// <c>$DSTACK_HOME/artifacts/RUN/</c> into a folder, keeping their relative paths (<c>output</c> lands in
/// <c>DIR/output</c>), bytes, links (as links), modes and times. <see cref="Plan"/> first compares every destination
/// with what is there, so a refused download (<see cref="Conflicts"/>) writes nothing; <see cref="Copy"/> then writes
/// each file beside its destination and renames it into place; <see cref="Verify"/> measures whole artifacts against
/// the hash the run recorded.
/// </summary>
public sealed partial class ArtifactDownload
{
    private ArtifactDownload(IReadOnlyList<ArtifactPick> picks) => Picks = picks;

    /// <summary>What is downloaded.</summary>
    public IReadOnlyList<ArtifactPick> Picks { get; }

    /// <summary>
    /// Chooses what to download of <paramref name="artifacts"/> (saved under <paramref name="savedFolder"/>) into
    /// <paramref name="outputFolder"/>: every artifact when <paramref name="path"/> is null, else the artifact whose path
    /// it names (after <see cref="WorkflowPathRule.Normalize"/>), or the file or folder inside one that it names. Returns
    /// null with the problem (code and message) when the path names nothing saved, or the saved files are gone.
    /// </summary>
    public static ArtifactDownload? Choose(string runName, IReadOnlyList<ArtifactRecord> artifacts, string? path, string savedFolder, string outputFolder, out (string Code, string Message)? problem)
    {
        problem = null;
        var picks = new List<ArtifactPick>();
        if (artifacts.Count == 0)
        {
            problem = (DiagnosticCodes.ArtifactNotFound, $"the run {runName} has no saved artifacts (dstack artifacts list {runName} says why)");
            return null;
        }

        foreach (var artifact in artifacts)
        {
            if (!IsPlainRelative(artifact.Folder))
            {
                problem = (DiagnosticCodes.ArtifactChanged, $"the state store gives the artifact {artifact.Path} of {runName} the folder `{artifact.Folder}`, which is not a plain relative path; the state is damaged, nothing was downloaded");
                return null;
            }
        }

        if (path is null)
        {
            picks.AddRange(artifacts.Select(a => new ArtifactPick(a, string.Empty, Path.Combine(savedFolder, a.Folder), Path.Combine(outputFolder, a.Folder))));
        }
        else if (Find(runName, artifacts, path, savedFolder, outputFolder, out problem) is { } pick)
        {
            picks.Add(pick);
        }
        else
        {
            return null;
        }

        foreach (var pick in picks.Where(p => p.Whole && Snapshots.EntryKinds.Of(p.Source) == Snapshots.EntryKind.Missing))
        {
            problem = (DiagnosticCodes.ArtifactChanged, $"the saved files of the artifact {pick.Artifact.Path} of {runName} are gone: {pick.Source} no longer exists (deleted after the run saved it); nothing was downloaded");
            return null;
        }

        return new ArtifactDownload(picks);
    }

    /// <summary>The artifact <paramref name="path"/> names, or the part inside one; null with a problem that lists what there is.</summary>
    private static ArtifactPick? Find(string runName, IReadOnlyList<ArtifactRecord> artifacts, string path, string savedFolder, string outputFolder, out (string Code, string Message)? problem)
    {
        problem = null;
        var paths = string.Join(", ", artifacts.Select(a => a.Path));
        if (WorkflowPathRule.Problem(path) is { } invalid)
        {
            problem = (DiagnosticCodes.ArtifactNotFound, $"{invalid}; the artifacts of {runName} are: {paths}");
            return null;
        }

        var wanted = WorkflowPathRule.Normalize(path);
        if (artifacts.FirstOrDefault(a => a.Path == wanted) is { } whole)
        {
            return new ArtifactPick(whole, string.Empty, Path.Combine(savedFolder, whole.Folder), Path.Combine(outputFolder, whole.Folder));
        }

        // The longest artifact path that holds it: `output/sub` before `output` when both are artifacts.
        var holder = artifacts.Where(a => wanted.StartsWith(a.Path.TrimEnd('/') + "/", StringComparison.Ordinal)).MaxBy(a => a.Path.Length);
        if (holder is null)
        {
            var hint = DidYouMean.Find(wanted, artifacts.Select(a => a.Path)) is { } best ? $"; did you mean {best}?" : string.Empty;
            problem = (DiagnosticCodes.ArtifactNotFound, $"`{path}` is not an artifact of {runName}; its artifacts are: {paths}{hint}");
            return null;
        }

        var inside = wanted[(holder.Path.TrimEnd('/').Length + 1)..];
        var source = Path.Combine(savedFolder, holder.Folder, inside);
        if (Snapshots.EntryKinds.Of(source) == Snapshots.EntryKind.Missing)
        {
            var entries = EntriesOf(Path.Combine(savedFolder, holder.Folder)).Select(e => $"{holder.Path.TrimEnd('/')}/{e}");
            var hint = DidYouMean.Find(wanted, entries) is { } best ? $"; did you mean {best}?" : $"; dstack artifacts list {runName} --files lists its files";
            problem = (DiagnosticCodes.ArtifactNotFound, $"`{path}`: the artifact {holder.Path} of {runName} has no such file or folder{hint}");
            return null;
        }

        return new ArtifactPick(holder, inside, source, Path.Combine(outputFolder, holder.Folder, inside));
    }

    /// <summary>The files, links and folders under <paramref name="folder"/>, relative with '/'; nothing when it is not a folder.</summary>
    public static IEnumerable<string> EntriesOf(string folder)
    {
        if (Snapshots.EntryKinds.Of(folder) != Snapshots.EntryKind.Folder)
        {
            return [];
        }

        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        return new DirectoryInfo(folder).EnumerateFileSystemInfos("*", options)
            .Select(i => Path.GetRelativePath(folder, i.FullName).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal);
    }

    /// <summary>A folder name from the store: relative, with no empty, <c>.</c> or <c>..</c> part, so it stays inside the folders it is joined to.</summary>
    private static bool IsPlainRelative(string folder) =>
        folder.Length > 0 && !Path.IsPathRooted(folder) && folder.IndexOf('\0') < 0 && folder.Split('/', '\\').All(part => part.Length > 0 && part is not "." and not "..");
}
