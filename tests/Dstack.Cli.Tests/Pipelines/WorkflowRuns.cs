using Dstack.Cli.Tests.Runs;
using Dstack.Runtime.Pipelines;
using Dstack.Runtime.State;

namespace Dstack.Cli.Tests.Pipelines;

/// <summary>What the pipelines end-to-end tests share: the example repository copied into a sandbox, and the artifacts a run saved.</summary>
public static class WorkflowRuns
{
    /// <summary>examples/pipelines, the example repository of workflows.</summary>
    public static string Example => Path.Combine(RepositoryLayout.Examples, "pipelines");

    /// <summary>Copies examples/pipelines (its .dstack/workflows and scripts) into the sandbox's project folder.</summary>
    public static void CopyExample(DstackSandbox sandbox)
    {
        foreach (var file in Directory.EnumerateFiles(Example, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(Example, file);
            var target = Path.Combine(sandbox.Project, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>The artifacts the store records for the run <paramref name="runName"/>.</summary>
    public static IReadOnlyList<ArtifactRecord> Artifacts(DstackSandbox sandbox, string runName)
    {
        var run = sandbox.FindRun(runName);
        Assert.True(run is not null, $"no run named {runName} in the store");
        return StateStore.Open(new DstackHome(sandbox.Home)).ListArtifacts(run.Id);
    }

    /// <summary>
    /// Checks that the run saved the artifact <paramref name="path"/> holding exactly <paramref name="files"/> (path
    /// inside the artifact → content), byte for byte, and that the store's size, file count and hash are those of the
    /// files on disk. An artifact that is one file is given as the key "". Returns where the artifact was saved.
    /// </summary>
    public static string AssertSaved(DstackSandbox sandbox, string runName, string path, IReadOnlyDictionary<string, string> files)
    {
        var record = Assert.Single(Artifacts(sandbox, runName), a => a.Path == path);
        var saved = Path.Combine(new DstackHome(sandbox.Home).ArtifactsFolder(runName), record.Folder);
        Assert.True(Directory.Exists(saved) || File.Exists(saved), $"{saved} is missing");
        var found = File.Exists(saved)
            ? [string.Empty]
            : Directory.EnumerateFiles(saved, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(saved, f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(files.Keys.Order(StringComparer.Ordinal), found);
        foreach (var (relative, content) in files)
        {
            Assert.Equal(System.Text.Encoding.UTF8.GetBytes(content), File.ReadAllBytes(relative.Length == 0 ? saved : Path.Combine(saved, relative)));
        }

        var (count, size, hash) = ArtifactMeasure.Of(saved);
        Assert.Equal(files.Count, count);
        Assert.Equal(files.Values.Sum(v => System.Text.Encoding.UTF8.GetByteCount(v)), size);
        Assert.Equal((count, size, hash), (record.Files, record.Size, record.Sha256));
        return saved;
    }
}
