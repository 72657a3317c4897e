using Dstack.Cli.Tests.Runs;
using Dstack.Runtime.Pipelines;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Cli.Tests.Pipelines;

/// <summary>
/// Runs and saved artifacts written straight into a sandbox's state store, as the run controller leaves them: a run
/// record with the workflow in its spec, files under <c>$DSTACK_HOME/artifacts/RUN/FOLDER</c>, and each artifact's
/// files, size and hash measured with <see cref="ArtifactMeasure"/>.
/// </summary>
public sealed class PipelineRuns(DstackSandbox sandbox)
{
    public DstackHome Home { get; } = new(sandbox.Home);

    public StateStore Store => StateStore.Open(Home);

    /// <summary>Adds a run of <paramref name="workflow"/> (null: a task) that is <paramref name="status"/> now.</summary>
    public RunRecord AddRun(string name, string? workflow, RunStatus status, params string[] artifacts)
    {
        var store = Store;
        var (run, _) = store.CreateRun(name, _ => name, Path.Combine(sandbox.Project, ".dstack", "workflows", "main.yaml"), sandbox.Project, n => new RunSpec
        {
            RunName = n,
            Type = "task",
            ConfigurationPath = Path.Combine(sandbox.Project, ".dstack", "workflows", "main.yaml"),
            RepoRoot = sandbox.Project,
            Script = "true",
            Workflow = workflow,
            Artifacts = artifacts,
        }.ToJson(), DateTimeOffset.UtcNow);
        if (status != RunStatus.Submitted)
        {
            store.SetRunStatus(run.Id, status, DateTimeOffset.UtcNow, status.IsFinished() ? "all_jobs_done" : null, status == RunStatus.Done ? 0 : status.IsFinished() ? 1 : null);
        }

        return store.FindRun(run.Id)!;
    }

    /// <summary>The saved copy of an artifact: <c>$DSTACK_HOME/artifacts/RUN/FOLDER</c>.</summary>
    public string SavedFolder(RunRecord run, string folder) => Path.Combine(Home.ArtifactsFolder(run.Name), folder);

    /// <summary>Writes <paramref name="files"/> (relative path → text) into the artifact's saved folder and records it.</summary>
    public ArtifactRecord SaveArtifact(RunRecord run, string path, string folder, IReadOnlyDictionary<string, string> files, Action<string>? more = null)
    {
        var saved = SavedFolder(run, folder);
        Directory.CreateDirectory(saved);
        foreach (var (relative, text) in files)
        {
            var full = Path.Combine(saved, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }

        more?.Invoke(saved);
        var (count, size, sha256) = ArtifactMeasure.Of(saved);
        var record = new ArtifactRecord(run.Id, path, folder, count, size, sha256, DateTimeOffset.UtcNow);
        Store.SaveArtifact(record);
        return record;
    }
}
