using Dstack.Runtime.Offers;
using Dstack.Runtime.Pipelines;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Tests.Runs.Lifecycle;

/// <summary>
/// A workflow's files around its job on another machine (a fake host), in-process: the cache and the artifacts come
/// back when the job ends, however it ends, before the host cleans up; the next run gets the cache uploaded; deps'
/// artifacts are uploaded read-only before the job starts.
/// </summary>
[Trait("Category", "Fast")]
public sealed class WorkflowLifecycleTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    private readonly string _root = Directory.CreateTempSubdirectory("dstack-wflife-").FullName;
    private readonly StateStore _store;
    private readonly FakeBackend _backend;

    public WorkflowLifecycleTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "project"));
        File.WriteAllText(Path.Combine(_root, "project", "train.py"), "print('hi')\n");
        _store = StateStore.Open(new DstackHome(Path.Combine(_root, "home")));
        _backend = new FakeBackend(_store);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task FailedJob_CacheAndArtifactsComeBack_BeforeCleanUp_MissingOneIsAWarning()
    {
        var (run, controller) = Submit(Spec("first", artifacts: ["out", "missing"], cache: ["~/.cache/x"]));
        var running = controller.RunAsync();
        var job = await NextJobAsync();
        var host = _backend.Hosts.Values.Single();
        host.Files["out"] = "model v1";
        host.Files["~/.cache/x"] = "cached bytes";
        job.Exit(3);

        var final = await running.WaitAsync(Limit);

        Assert.Equal(RunStatus.Failed, final.Status);
        Assert.All(host.CleanedUpAtDownload, count => Assert.Equal(0, count));
        Assert.Equal(["~/.cache/x", "out", "missing"], host.Downloads.Select(d => d.Path));
        var saved = Path.Combine(_store.Home.ArtifactsFolder(run.Name), "out", "file.txt");
        Assert.Equal("model v1", File.ReadAllText(saved));
        var record = Assert.Single(_store.ListArtifacts(run.Id));
        Assert.Equal(("out", "out", 1L, 8L), (record.Path, record.Folder, record.Files, record.Size));
        Assert.Equal(ArtifactMeasure.Of(Path.Combine(_store.Home.ArtifactsFolder(run.Name), "out")).Sha256, record.Sha256);
        var cache = WorkflowCache.For(_store.Home, Path.Combine(_root, "project"), "train", "~/.cache/x");
        Assert.Equal("cached bytes", File.ReadAllText(Path.Combine(cache.Current!, "file.txt")));
        var log = File.ReadAllText(_store.Home.LogFile(run.Name, 0));
        Assert.Contains("dstack: warning: artifact missing: no such file or folder when the job ended; nothing saved", log, StringComparison.Ordinal);
        Assert.Contains("dstack: artifact out: saved 1 file, 8 B", log, StringComparison.Ordinal);
        // Nothing is left in $DSTACK_HOME but what was saved: the downloads' folders are gone.
        Assert.False(Directory.Exists(Path.Combine(_store.Home.CacheFolder, "downloads")) && Directory.EnumerateFileSystemEntries(Path.Combine(_store.Home.CacheFolder, "downloads")).Any());
    }

    [Fact]
    public async Task NextRun_GetsTheCacheUploaded_AndDepsReadOnly_BeforeItsJobStarts()
    {
        var cache = WorkflowCache.For(_store.Home, Path.Combine(_root, "project"), "train", "data");
        var seed = Path.Combine(_root, "seed");
        Directory.CreateDirectory(seed);
        File.WriteAllText(Path.Combine(seed, "a.bin"), "aaaa");
        cache.Save(seed);
        var (made, _) = _store.CreateRun("made", _ => "made", "x", Path.Combine(_root, "project"), n => Spec(n).ToJson(), DateTimeOffset.UtcNow);
        Directory.CreateDirectory(Path.Combine(_store.Home.ArtifactsFolder("made"), "out"));
        File.WriteAllText(Path.Combine(_store.Home.ArtifactsFolder("made"), "out", "m.txt"), "made it");

        var spec = Spec("second", cache: ["data"]) with { Deps = [new DepArtifacts("workflow make", "made", ["out", "gone"])] };
        var (run, controller) = Submit(spec);
        var running = controller.RunAsync();
        var job = await NextJobAsync();
        var host = _backend.Hosts.Values.Single();

        Assert.Equal(
            [(0, Path.Combine(_store.Home.ArtifactsFolder("made"), "out"), "out", true), (0, cache.Current!, "data", false)],
            host.FileUploads);
        job.Exit(0);
        await running.WaitAsync(Limit);
        var log = File.ReadAllText(_store.Home.LogFile(run.Name, 0));
        Assert.Contains("dstack: deps: workflow make: out from run made (1 file, 7 B), read-only", log, StringComparison.Ordinal);
        Assert.Contains("dstack: warning: deps: workflow make: gone of run made is no longer in", log, StringComparison.Ordinal);
        Assert.Contains("dstack: cache data: restored to small", log, StringComparison.Ordinal);
    }

    private RunSpec Spec(string name, IReadOnlyList<string>? artifacts = null, IReadOnlyList<string>? cache = null) => new()
    {
        RunName = name,
        Type = "task",
        ConfigurationPath = Path.Combine(_root, "project", ".dstack", "workflows", "w.yaml"),
        RepoRoot = Path.Combine(_root, "project"),
        Script = "python train.py",
        Placements = [FakeBackend.Machine("small", 1.2m)],
        StopDuration = 5,
        Workflow = "train",
        Artifacts = artifacts ?? [],
        Cache = cache ?? [],
    };

    private (RunRecord Run, RunController Controller) Submit(RunSpec spec)
    {
        var (run, _) = _store.CreateRun(spec.RunName, _ => spec.RunName, spec.ConfigurationPath, spec.RepoRoot, _ => spec.WithoutSecrets().ToJson(), DateTimeOffset.UtcNow);
        return (run, new RunController(_store, run, spec, new Dictionary<string, string>(), backends: name => name == FakeBackend.BackendName ? _backend : null));
    }

    private async Task<FakeJob> NextJobAsync() => await _backend.Started.Reader.ReadAsync().AsTask().WaitAsync(Limit);
}
