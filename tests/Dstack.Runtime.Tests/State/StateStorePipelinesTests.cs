using Dstack.Runtime.State;
using Microsoft.Data.Sqlite;

namespace Dstack.Runtime.Tests.State;

/// <summary>The state store's pipelines part (schema version 3): artifacts, tags, the last successful run of a workflow.</summary>
[Trait("Category", "Fast")]
public sealed class StateStorePipelinesTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "dstack-state-pipelines-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void LastSuccessfulRun_PicksTheLatestDoneRunOfThatWorkflowAndRepoOnly()
    {
        var store = StateStore.Open(new DstackHome(_root));
        var older = Finished(store, "older", "/repo", "train", RunStatus.Done, Now);
        var latest = Finished(store, "latest", "/repo", "train", RunStatus.Done, Now.AddMinutes(5));
        Finished(store, "later-failed", "/repo", "train", RunStatus.Failed, Now.AddMinutes(10));
        Finished(store, "later-stopped", "/repo", "train", RunStatus.Terminated, Now.AddMinutes(11));
        Finished(store, "other-workflow", "/repo", "prepare", RunStatus.Done, Now.AddMinutes(12));
        Finished(store, "other-repo", "/elsewhere", "train", RunStatus.Done, Now.AddMinutes(13));
        Finished(store, "a-task", "/repo", null, RunStatus.Done, Now.AddMinutes(14));
        store.CreateRun("still-running", _ => "x", "/c.yml", "/repo", name => Spec("train"), Now.AddMinutes(20));

        Assert.Equal(latest.Id, store.LastSuccessfulRun("/repo", "train")?.Id);
        Assert.NotEqual(older.Id, store.LastSuccessfulRun("/repo", "train")?.Id);
        Assert.Equal("other-repo", store.LastSuccessfulRun("/elsewhere", "train")?.Name);
        Assert.Equal("other-workflow", store.LastSuccessfulRun("/repo", "prepare")?.Name);
        Assert.Null(store.LastSuccessfulRun("/repo", "evaluate"));
    }

    [Fact]
    public void DeletingARun_TakesItsTagsAndArtifactsWithIt()
    {
        var store = StateStore.Open(new DstackHome(_root));
        var run = Finished(store, "train-1", "/repo", "train", RunStatus.Done, Now);
        var other = Finished(store, "train-2", "/repo", "train", RunStatus.Done, Now);
        store.SaveArtifact(new ArtifactRecord(run.Id, "output", "output", 2, 10, new string('a', 64), Now));
        store.SaveArtifact(new ArtifactRecord(other.Id, "output", "output", 1, 5, new string('b', 64), Now));
        Assert.True(store.AddTag("v1", run.Id, Now));
        Assert.True(store.AddTag("v2", other.Id, Now));

        using (var connection = new SqliteConnection($"Data Source={store.Home.StateDatabase};Pooling=False"))
        {
            connection.Open();
            using var delete = connection.CreateCommand();
            delete.CommandText = "PRAGMA foreign_keys = ON; DELETE FROM runs WHERE name = 'train-1';";
            delete.ExecuteNonQuery();
        }

        Assert.Null(store.FindTag("v1"));
        Assert.Empty(store.ListArtifacts(run.Id));
        Assert.Equal(["v2"], store.ListTags().Select(t => t.Name));
        Assert.Single(store.ListArtifacts(other.Id));
    }

    [Fact]
    public void CreateRun_NameOfATaggedFinishedRun_IsRefusedAndTheRunStays()
    {
        var store = StateStore.Open(new DstackHome(_root));
        var run = Finished(store, "train", "/repo", "train", RunStatus.Done, Now);
        store.SaveArtifact(new ArtifactRecord(run.Id, "output", "output", 1, 3, new string('c', 64), Now));
        store.AddTag("best", run.Id, Now);

        var error = Assert.Throws<RunNameTakenException>(() => store.CreateRun("train", _ => "x", "/c.yml", "/repo", _ => Spec("train"), Now.AddMinutes(1)));

        Assert.Contains("tagged best", error.Message, StringComparison.Ordinal);
        Assert.Contains("dstack tags delete best", error.Message, StringComparison.Ordinal);
        Assert.Equal(run.Id, store.FindRun("train")?.Id);
        Assert.Single(store.ListArtifacts(run.Id));
    }

    [Fact]
    public void CreateRun_NameOfAnUntaggedFinishedRun_ReplacesItWithItsArtifacts()
    {
        var store = StateStore.Open(new DstackHome(_root));
        var run = Finished(store, "train", "/repo", "train", RunStatus.Done, Now);
        store.SaveArtifact(new ArtifactRecord(run.Id, "output", "output", 1, 3, new string('c', 64), Now));
        store.AddTag("best", run.Id, Now);
        Assert.True(store.DeleteTag("best"));

        var (second, replaced) = store.CreateRun("train", _ => "x", "/c.yml", "/repo", _ => Spec("train"), Now.AddMinutes(1));

        Assert.Equal(run.Id, replaced?.Id);
        Assert.Empty(store.ListArtifacts(run.Id));
        Assert.NotEqual(run.Id, second.Id);
    }

    [Fact]
    public void AddTag_ExistingName_ReturnsFalseAndKeepsTheFirstRun()
    {
        var store = StateStore.Open(new DstackHome(_root));
        var first = Finished(store, "first", "/repo", "train", RunStatus.Done, Now);
        var second = Finished(store, "second", "/repo", "train", RunStatus.Done, Now);

        Assert.True(store.AddTag("v1", first.Id, Now));
        Assert.False(store.AddTag("v1", second.Id, Now));

        var tag = store.FindTag("v1");
        Assert.Equal(("first", first.Id), (tag?.RunName, tag?.RunId));
        Assert.False(store.DeleteTag("v2"));
    }

    [Fact]
    public void Open_DatabaseOfVersionTwo_KeepsItsRunsAndJobs_AndAddsArtifactsAndTags()
    {
        // A store of version 2 is this version's without the artifacts and tags tables: made here by opening a new store
        // and taking them out again, so its other tables are exactly what version 2 wrote.
        var home = new DstackHome(_root);
        var (old, _) = StateStore.Open(home).CreateRun("old-run", _ => "x", "/c.yml", "/repo", _ => "{}", Now);
        StateStore.Open(home).SetRunStatus(old.Id, RunStatus.Done, Now, "all_jobs_done", 0);
        SqliteConnection.ClearAllPools();
        using (var connection = new SqliteConnection($"Data Source={home.StateDatabase};Pooling=False"))
        {
            connection.Open();
            using var downgrade = connection.CreateCommand();
            downgrade.CommandText = "DROP TABLE artifacts; DROP TABLE tags; PRAGMA user_version = 2;";
            downgrade.ExecuteNonQuery();
        }

        var store = StateStore.Open(home);

        var run = store.FindRun("old-run");
        Assert.Equal((old.Id, RunStatus.Done, 0), (run?.Id, run?.Status, run?.ExitCode));
        store.SaveArtifact(new ArtifactRecord(old.Id, "output", "output", 4, 100, new string('d', 64), Now));
        Assert.True(store.AddTag("kept", old.Id, Now));
        Assert.Equal(100, Assert.Single(store.ListArtifacts(old.Id)).Size);
        Assert.Equal("old-run", store.FindTag("kept")?.RunName);
        using var check = new SqliteConnection($"Data Source={home.StateDatabase};Pooling=False");
        check.Open();
        using var version = check.CreateCommand();
        version.CommandText = "PRAGMA user_version;";
        Assert.Equal(4L, version.ExecuteScalar());
    }

    [Fact]
    public void SaveArtifact_SamePathAgain_ReplacesTheRecord()
    {
        var store = StateStore.Open(new DstackHome(_root));
        var run = Finished(store, "train", "/repo", "train", RunStatus.Done, Now);

        store.SaveArtifact(new ArtifactRecord(run.Id, "output", "output", 1, 3, new string('e', 64), Now));
        store.SaveArtifact(new ArtifactRecord(run.Id, "output", "output", 2, 7, new string('f', 64), Now.AddSeconds(1)));
        store.SaveArtifact(new ArtifactRecord(run.Id, "~/.cache/x", "_home/.cache/x", 1, 1, new string('0', 64), Now));

        var artifacts = store.ListArtifacts(run.Id);
        Assert.Equal(["output", "~/.cache/x"], artifacts.Select(a => a.Path));
        Assert.Equal((2L, 7L), (artifacts[0].Files, artifacts[0].Size));
    }

    private static string Spec(string? workflow) => workflow is null ? "{}" : $"{{\"workflow\":\"{workflow}\"}}";

    private static RunRecord Finished(StateStore store, string name, string repo, string? workflow, RunStatus status, DateTimeOffset at)
    {
        var (run, _) = store.CreateRun(name, _ => name, "/c.yml", repo, _ => Spec(workflow), at);
        store.SetRunStatus(run.Id, status, at, null, status == RunStatus.Done ? 0 : 1);
        return store.FindRun(run.Id)!;
    }
}
