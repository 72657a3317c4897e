using Dstack.Runtime.State;

namespace Dstack.Runtime.Tests.State;

[Trait("Category", "Fast")]
public sealed class StateStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dstack-state-" + Guid.NewGuid().ToString("N")[..12]);

    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void Open_NewFolder_CreatesDatabaseInWalMode()
    {
        var store = StateStore.Open(new DstackHome(_root));

        Assert.True(File.Exists(store.Home.StateDatabase));
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={store.Home.StateDatabase}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", command.ExecuteScalar() as string);
    }

    [Fact]
    public void Open_DatabaseOfTheFirstVersion_KeepsItsRuns_AndAddsInstancesAndTheJobsMachine()
    {
        CreateVersionOneDatabase();

        var store = StateStore.Open(new DstackHome(_root));
        var run = store.FindRun("old-run")!;
        var instance = store.AddInstance(run.Id, run.Name, 0, "local", "local", "local", 0m, "token-1", "{}", Now);
        store.SaveJob(new JobRecord(run.Id, 0, 2, RunStatus.Running, 43, null, Now, null, instance.Id));

        Assert.Equal(instance.Id, Assert.Single(store.ListJobs(run.Id)).InstanceId);
        Assert.Equal(InstanceStatus.Provisioning, Assert.Single(store.ListInstances()).Status);
    }

    /// <summary>A state.db as the first version wrote it: runs, jobs without their machine, no instances; one finished run.</summary>
    private void CreateVersionOneDatabase()
    {
        Directory.CreateDirectory(_root);
        var file = new DstackHome(_root).StateDatabase;
        using (var old = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Pooling=False"))
        {
            old.Open();
            using var create = old.CreateCommand();
            create.CommandText = """
                CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, status TEXT NOT NULL, configuration TEXT NOT NULL,
                    repo TEXT NOT NULL, spec TEXT NOT NULL, submitted_at INTEGER NOT NULL, finished_at INTEGER, exit_code INTEGER, reason TEXT,
                    runner_pid INTEGER, stop_request TEXT NOT NULL DEFAULT 'none', attempt INTEGER NOT NULL DEFAULT 1);
                CREATE TABLE jobs (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, job_num INTEGER NOT NULL, attempt INTEGER NOT NULL,
                    status TEXT NOT NULL, pid INTEGER, exit_code INTEGER, started_at INTEGER, finished_at INTEGER, PRIMARY KEY (run_id, job_num, attempt));
                CREATE TABLE status_history (id INTEGER PRIMARY KEY AUTOINCREMENT, run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    job_num INTEGER, status TEXT NOT NULL, at INTEGER NOT NULL, reason TEXT);
                INSERT INTO runs (name, status, configuration, repo, spec, submitted_at) VALUES ('old-run', 'done', '/c.yml', '/repo', '{}', 1);
                INSERT INTO jobs (run_id, job_num, attempt, status, pid) VALUES (1, 0, 1, 'done', 42);
                PRAGMA user_version = 1;
                """;
            create.ExecuteNonQuery();
        }
    }

    [Fact]
    public void Open_ManyProcessesAtOnce_OnAnOlderDatabase_OneMigratesAndNoneFails()
    {
        // The CLI and its controller open the store together; every opener must find it usable. Threads lined up on a
        // barrier open it at the same moment, several rounds, each on a fresh database of the first version.
        for (var round = 0; round < 5; round++)
        {
            if (Directory.Exists(_root))
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Directory.Delete(_root, recursive: true);
            }

            CreateVersionOneDatabase();
            using var start = new Barrier(6);
            var failures = new System.Collections.Concurrent.ConcurrentBag<Exception>();
            var threads = Enumerable.Range(0, 6).Select(_ => new Thread(() =>
            {
                start.SignalAndWait();
                try
                {
                    Assert.Equal("old-run", StateStore.Open(new DstackHome(_root)).FindRun("old-run")!.Name);
                }
                catch (Exception e)
                {
                    failures.Add(e);
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());

            Assert.Empty(failures);
        }
    }

    [Fact]
    public void CreateRun_WithoutName_ChoosesOneNotTaken()
    {
        var store = StateStore.Open(new DstackHome(_root));
        store.CreateRun(null, _ => "brave-otter-1", "/c.yml", "/repo", _ => "{}", Now);

        var (second, _) = store.CreateRun(null, taken => taken.Contains("brave-otter-1") ? "brave-otter-2" : "brave-otter-1", "/c.yml", "/repo", n => $"{{\"name\":\"{n}\"}}", Now);

        Assert.Equal("brave-otter-2", second.Name);
        Assert.Equal("{\"name\":\"brave-otter-2\"}", store.FindRun("brave-otter-2")!.Spec);
        Assert.Equal(RunStatus.Submitted, second.Status);
    }

    [Fact]
    public void CreateRun_NameOfActiveRun_Throws()
    {
        var store = StateStore.Open(new DstackHome(_root));
        store.CreateRun("train", _ => "x", "/c.yml", "/repo", _ => "{}", Now);

        var error = Assert.Throws<RunNameTakenException>(() => store.CreateRun("train", _ => "x", "/c.yml", "/repo", _ => "{}", Now));

        Assert.Contains("dstack stop train", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateRun_NameOfFinishedRun_ReplacesIt()
    {
        var store = StateStore.Open(new DstackHome(_root));
        var (first, _) = store.CreateRun("train", _ => "x", "/c.yml", "/repo", _ => "{}", Now);
        store.SetRunStatus(first.Id, RunStatus.Done, Now, "all_jobs_done", 0);

        var (second, replaced) = store.CreateRun("train", _ => "x", "/c.yml", "/repo", _ => "{}", Now);

        Assert.Equal(first.Id, replaced!.Id);
        Assert.NotEqual(first.Id, second.Id);
        Assert.Single(store.ListRuns(all: true));
    }

    [Fact]
    public void SetRunStatus_AfterFinal_IsIgnoredAndHistoryKeepsOrder()
    {
        var store = StateStore.Open(new DstackHome(_root));
        var (run, _) = store.CreateRun("r", _ => "x", "/c.yml", "/repo", _ => "{}", Now);
        store.SetRunStatus(run.Id, RunStatus.Provisioning, Now.AddSeconds(1));
        store.SetRunStatus(run.Id, RunStatus.Running, Now.AddSeconds(2));
        store.SetRunStatus(run.Id, RunStatus.Failed, Now.AddSeconds(3), "container_exited_with_error", 3);

        var late = store.SetRunStatus(run.Id, RunStatus.Done, Now.AddSeconds(4), "all_jobs_done", 0);

        Assert.False(late);
        var final = store.FindRun(run.Id)!;
        Assert.Equal(RunStatus.Failed, final.Status);
        Assert.Equal(3, final.ExitCode);
        Assert.Equal(Now.AddSeconds(3), final.FinishedAt);
        Assert.Equal([RunStatus.Submitted, RunStatus.Provisioning, RunStatus.Running, RunStatus.Failed], store.History(run.Id).Select(h => h.Status));
    }

    [Fact]
    public void RunEndpoints_SetReplacedAndListed_GoneWhenTheRunEnds()
    {
        var store = StateStore.Open(new DstackHome(_root));
        var (run, _) = store.CreateRun("svc", _ => "x", "/c.yml", "/repo", _ => "{}", Now);
        var (other, _) = store.CreateRun("other", _ => "x", "/c.yml", "/repo", _ => "{}", Now);
        store.SetRunEndpoint(run.Id, RunEndpointKind.Service, "http://127.0.0.1:1000/");
        store.SetRunEndpoint(run.Id, RunEndpointKind.Service, "http://127.0.0.1:2000/");
        store.SetRunEndpoint(run.Id, RunEndpointKind.Ssh, "svc");
        store.SetRunEndpoint(other.Id, RunEndpointKind.Ide, "vscode://vscode-remote/ssh-remote+other/w");

        Assert.Equal([new RunEndpoint("service", "http://127.0.0.1:2000/"), new RunEndpoint("ssh", "svc")], store.ListRunEndpoints(run.Id));
        store.ClearRunEndpoints(run.Id, RunEndpointKind.Ssh);
        Assert.Equal([new RunEndpoint("service", "http://127.0.0.1:2000/")], store.ListRunEndpoints(run.Id));

        store.SetRunStatus(run.Id, RunStatus.Running, Now.AddSeconds(1));
        Assert.Single(store.ListRunEndpoints(run.Id));
        store.SetRunStatus(run.Id, RunStatus.Terminated, Now.AddSeconds(2), "stopped_by_user");
        Assert.Empty(store.ListRunEndpoints(run.Id));
        Assert.Single(store.ListRunEndpoints(other.Id));
    }

    [Fact]
    public void RequestStop_AbortUpgradesStop_AndFinishedRunRefuses()
    {
        var store = StateStore.Open(new DstackHome(_root));
        var (run, _) = store.CreateRun("r", _ => "x", "/c.yml", "/repo", _ => "{}", Now);

        Assert.True(store.RequestStop(run.Id, StopRequest.Stop));
        Assert.True(store.RequestStop(run.Id, StopRequest.Abort));
        Assert.True(store.RequestStop(run.Id, StopRequest.Stop));
        Assert.Equal(StopRequest.Abort, store.FindRun(run.Id)!.StopRequest);

        store.SetRunStatus(run.Id, RunStatus.Aborted, Now);
        Assert.False(store.RequestStop(run.Id, StopRequest.Stop));
    }

    [Fact]
    public void SaveJob_LatestAttemptListed_StatusChangesInHistory()
    {
        var store = StateStore.Open(new DstackHome(_root));
        var (run, _) = store.CreateRun("r", _ => "x", "/c.yml", "/repo", _ => "{}", Now);
        store.SaveJob(new JobRecord(run.Id, 0, 1, RunStatus.Running, 100, null, Now, null));
        store.SaveJob(new JobRecord(run.Id, 0, 1, RunStatus.Failed, null, 2, null, Now.AddSeconds(1)));
        store.SaveJob(new JobRecord(run.Id, 0, 2, RunStatus.Running, 200, null, Now.AddSeconds(2), null));

        var jobs = store.ListJobs(run.Id);

        var job = Assert.Single(jobs);
        Assert.Equal((2, 200, RunStatus.Running), (job.Attempt, job.Pid, job.Status));
        Assert.Equal(3, store.History(run.Id).Count(h => h.JobNum == 0));
    }

    [Fact]
    public async Task CreateRun_ManyWritersAtOnce_NoRecordLostAndNamesUnique()
    {
        // Separate store objects (separate connections), as two dstack processes would have.
        const int Writers = 8;
        const int RunsEach = 15;
        var home = new DstackHome(_root);
        StateStore.Open(home);
        var tasks = Enumerable.Range(0, Writers).Select(w => Task.Run(() =>
        {
            var store = StateStore.Open(home);
            for (var i = 0; i < RunsEach; i++)
            {
                var (run, _) = store.CreateRun(null, taken => $"run-{taken.Count + 1}", "/c.yml", "/repo", _ => "{}", Now);
                store.SetRunStatus(run.Id, RunStatus.Running, Now);
                store.SetRunStatus(run.Id, RunStatus.Done, Now, "all_jobs_done", 0);
            }
        }));

        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60));

        var runs = StateStore.Open(home).ListRuns(all: true);
        Assert.Equal(Writers * RunsEach, runs.Count);
        Assert.Equal(runs.Count, runs.Select(r => r.Name).Distinct().Count());
        Assert.All(runs, r => Assert.Equal(RunStatus.Done, r.Status));
    }

    [Fact]
    public void Open_UnwritableFolder_ThrowsStateExceptionNamingThePath()
    {
        if (Environment.UserName == "root")
        {
            // root can write anywhere; a file in the way of the folder fails for everyone.
        }

        Directory.CreateDirectory(_root);
        var blocker = Path.Combine(_root, "not-a-folder");
        File.WriteAllText(blocker, "x");

        var error = Assert.Throws<StateException>(() => StateStore.Open(new DstackHome(blocker)));

        Assert.Contains(blocker, error.Message, StringComparison.Ordinal);
        Assert.Contains("DSTACK_HOME", error.Message, StringComparison.Ordinal);
    }
}
