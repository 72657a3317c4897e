using System.Text.Json;
using Dstack.LanguageServer.Handlers;
using Dstack.LanguageServer.Server;
using Dstack.LanguageServer.Tests.Handlers;
using Dstack.LanguageServer.Tests.Support;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.LanguageServer.Tests.Runs;

/// <summary>
/// The progress of runs of open files, as work-done progress: a real state store in a temporary <c>$DSTACK_HOME</c>,
/// written as a run's controller writes it, and a client that declares <c>window.workDoneProgress</c> and keeps every
/// <c>$/progress</c> it is sent.
/// </summary>
[Trait("Category", "Fast")]
public sealed class RunProgressWatcherTests : IDisposable
{
    private static readonly object WithProgress = new { window = new { workDoneProgress = true } };

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    private static readonly DateTimeOffset Now = new(2025, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("dstack-ls-run-progress-");

    private DstackHome Home => new(Path.Combine(_folder.FullName, "home"));

    private string Project => Path.Combine(_folder.FullName, "project");

    [Fact]
    public async Task RunOfAnOpenFile_BeginsWithItsFirstEvent_ReportsEachNext_AndEndsWhenItsJobRuns()
    {
        var store = StateStore.Open(Home);
        var run = CreateRun(store, "train.dstack.yml", "brave-otter-1");
        store.AddRunEvent(run.Id, new ProvisioningProgress(0, "ssh", "gpu1"), Now);
        await using var client = await ClientAsync(WithProgress);

        await OpenAsync(client, "train.dstack.yml");
        var create = await client.WaitForAsync(m => IsRequest(m, "window/workDoneProgress/create"), "the request for a progress token");
        var begin = await ProgressAsync(client, "begin");
        store.AddRunEvent(run.Id, new UploadProgress(0, "gpu1", 42, 100), Now);
        var upload = await ProgressAsync(client, "report", "uploading to gpu1: 42%");
        store.AddRunEvent(run.Id, new UploadedProgress(0, "gpu1", 100, 0.5), Now);
        store.AddRunEvent(run.Id, new RunningProgress(0, "gpu1"), Now);
        var end = await ProgressAsync(client, "end");

        Assert.Equal("dstack: brave-otter-1", begin.GetProperty("title").GetString());
        Assert.Equal("provisioning gpu1 (ssh) for job 0", begin.GetProperty("message").GetString());
        Assert.Equal(42, upload.GetProperty("percentage").GetInt32());
        Assert.Equal("running", end.GetProperty("message").GetString());
        var token = create.GetProperty("params").GetProperty("token").GetRawText();
        var progress = client.Notifications("$/progress");
        Assert.All(progress, p => Assert.Equal(token, p.GetProperty("token").GetRawText()));
        Assert.Equal(
            ["begin: provisioning gpu1 (ssh) for job 0", "report: uploading to gpu1: 42%", "report: the code reached gpu1: 100 bytes in 0.50 s", "report: job 0 is running on gpu1", "end: running"],
            progress.Select(p => p.GetProperty("value")).Select(v => $"{v.GetProperty("kind").GetString()}: {v.GetProperty("message").GetString()}"));
        Assert.Single(client.ServerRequests("window/workDoneProgress/create"));
    }

    [Fact]
    public async Task SecondInitialized_StartsNoSecondWatcher_SoEachRunHasOneProgress()
    {
        var store = StateStore.Open(Home);
        var run = CreateRun(store, "train.dstack.yml", "calm-heron-1");
        store.AddRunEvent(run.Id, new ProvisioningProgress(0, "ssh", "gpu1"), Now);
        await using var client = await ClientAsync(WithProgress);
        await client.NotifyAsync("initialized", new { });

        await OpenAsync(client, "train.dstack.yml");
        await ProgressAsync(client, "begin");
        store.AddRunEvent(run.Id, new RunningProgress(0, "gpu1"), Now);
        await ProgressAsync(client, "end");

        // Absence can only be waited for: ten more turns of the loop, in which a second watcher would also have ended.
        await Task.Delay(Poll * 10);
        // Both watchers would have begun a progress of their own before the job ran; one did.
        Assert.Single(client.ServerRequests("window/workDoneProgress/create"));
        Assert.Single(client.Notifications("$/progress"), p => p.GetProperty("value").GetProperty("kind").GetString() == "begin");
    }

    [Fact]
    public async Task RunOfSeveralJobs_EndsOnlyWhenEveryJobRuns()
    {
        var store = StateStore.Open(Home);
        var run = CreateRun(store, "train.dstack.yml", "two-nodes", nodes: 2);
        store.AddRunEvent(run.Id, new ProvisioningProgress(0, "ssh", "gpu1"), Now);
        await using var client = await ClientAsync(WithProgress);

        await OpenAsync(client, "train.dstack.yml");
        await ProgressAsync(client, "begin");
        store.AddRunEvent(run.Id, new RunningProgress(0, "gpu1"), Now);
        await ProgressAsync(client, "report", "job 0 is running on gpu1");
        store.AddRunEvent(run.Id, new UploadProgress(1, "gpu2", 1, 4), Now);
        var upload = await ProgressAsync(client, "report", "uploading to gpu2: 25%");
        store.AddRunEvent(run.Id, new RunningProgress(1, "gpu2"), Now);
        var end = await ProgressAsync(client, "end");

        Assert.Equal(25, upload.GetProperty("percentage").GetInt32());
        Assert.Equal("running", end.GetProperty("message").GetString());
        Assert.Single(client.Notifications("$/progress"), p => p.GetProperty("value").GetProperty("kind").GetString() == "end");
    }

    [Theory]
    [InlineData(RunStatus.Terminated, null, "terminated")]
    [InlineData(RunStatus.Failed, "no capacity on gpu1", "failed: no capacity on gpu1")]
    public async Task RunThatFinishesBeforeItRuns_EndsWithItsFinalStatus(RunStatus final, string? reason, string message)
    {
        var store = StateStore.Open(Home);
        var run = CreateRun(store, "train.dstack.yml", "short-lived");
        store.AddRunEvent(run.Id, new WaitingProgress("GPUs held by another run"), Now);
        await using var client = await ClientAsync(WithProgress);

        await OpenAsync(client, "train.dstack.yml");
        var begin = await ProgressAsync(client, "begin");
        store.SetRunStatus(run.Id, final, Now, reason);
        var end = await ProgressAsync(client, "end");

        Assert.Equal("waiting: GPUs held by another run", begin.GetProperty("message").GetString());
        Assert.Equal(message, end.GetProperty("message").GetString());
    }

    [Fact]
    public async Task RunOfAFileNotOpen_GetsNoProgress()
    {
        var store = StateStore.Open(Home);
        var other = CreateRun(store, "other.dstack.yml", "not-shown");
        store.AddRunEvent(other.Id, new ProvisioningProgress(0, "local", "this machine"), Now);
        var run = CreateRun(store, "train.dstack.yml", "shown");
        await using var client = await ClientAsync(WithProgress);

        await OpenAsync(client, "train.dstack.yml");
        // Written after the other run's event: by the time this run's progress has ended, the other's was read too.
        store.AddRunEvent(run.Id, new ProvisioningProgress(0, "local", "this machine"), Now);
        await ProgressAsync(client, "begin");
        store.AddRunEvent(run.Id, new RunningProgress(0, "this machine"), Now);
        await ProgressAsync(client, "end");

        Assert.Single(client.ServerRequests("window/workDoneProgress/create"));
        var begins = client.Notifications("$/progress").Select(p => p.GetProperty("value")).Where(v => v.GetProperty("kind").GetString() == "begin");
        Assert.Equal(["dstack: shown"], begins.Select(b => b.GetProperty("title").GetString()));
    }

    [Fact]
    public async Task ClientWithoutWorkDoneProgress_IsSentNone()
    {
        var store = StateStore.Open(Home);
        var run = CreateRun(store, "train.dstack.yml", "quiet");
        store.AddRunEvent(run.Id, new ProvisioningProgress(0, "ssh", "gpu1"), Now);
        await using var plain = await ClientAsync(capabilities: null);
        await using var showing = await ClientAsync(WithProgress);

        await OpenAsync(plain, "train.dstack.yml");
        await OpenAsync(showing, "train.dstack.yml");
        await ProgressAsync(showing, "begin");
        store.AddRunEvent(run.Id, new RunningProgress(0, "gpu1"), Now);
        await ProgressAsync(showing, "end");
        // The other client, reading the same store as often, has had as long to show it.
        await Task.Delay(Poll * 5);

        Assert.Empty(plain.ServerRequests());
        Assert.Empty(plain.Notifications("$/progress"));
    }

    [Fact]
    public async Task NoStateDatabase_NoneIsCreated_AndOneThatAppearsLaterIsRead()
    {
        await using var client = await ClientAsync(WithProgress);

        await OpenAsync(client, "train.dstack.yml");
        // Turns of the watcher with a document open and no store: nothing may appear on disk.
        await Task.Delay(Poll * 10);
        Assert.False(Directory.Exists(Home.Root), $"{Home.Root} was created");
        Assert.False(File.Exists(Home.StateDatabase), $"{Home.StateDatabase} was created");

        // The controller creates it later: the watcher, still running, finds it.
        var store = StateStore.Open(Home);
        var run = CreateRun(store, "train.dstack.yml", "late");
        store.AddRunEvent(run.Id, new PullingProgress(0, "python:3.12"), Now);
        var begin = await ProgressAsync(client, "begin");
        Assert.Equal("pulling python:3.12 for job 0", begin.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Shutdown_EndsTheProgressShown_BeforeItIsAnswered()
    {
        var store = StateStore.Open(Home);
        var run = CreateRun(store, "train.dstack.yml", "long");
        store.AddRunEvent(run.Id, new ProvisioningProgress(0, "ssh", "gpu1"), Now);
        await using var client = await ClientAsync(WithProgress);
        await OpenAsync(client, "train.dstack.yml");
        await ProgressAsync(client, "begin");

        await client.ResultAsync("shutdown");

        var end = Assert.Single(client.Notifications("$/progress"), p => p.GetProperty("value").GetProperty("kind").GetString() == "end");
        Assert.Equal("the language server stopped following the run", end.GetProperty("value").GetProperty("message").GetString());
        store.AddRunEvent(run.Id, new RunningProgress(0, "gpu1"), Now);
        await Task.Delay(Poll * 5);
        Assert.Equal(2, client.Notifications("$/progress").Count);
    }

    [Fact]
    public async Task ClosingTheFile_EndsItsRunsProgress()
    {
        var store = StateStore.Open(Home);
        var run = CreateRun(store, "train.dstack.yml", "closed");
        store.AddRunEvent(run.Id, new ProvisioningProgress(0, "ssh", "gpu1"), Now);
        await using var client = await ClientAsync(WithProgress);
        await OpenAsync(client, "train.dstack.yml");
        await ProgressAsync(client, "begin");

        await client.NotifyAsync("textDocument/didClose", new { textDocument = new { uri = UriOf("train.dstack.yml") } });

        var end = await ProgressAsync(client, "end");
        Assert.Equal("the file was closed", end.GetProperty("message").GetString());
    }

    public void Dispose()
    {
        try
        {
            _folder.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A pooled SQLite connection may still hold the store; the folder is in the temporary folder anyway.
        }
    }

    private RunRecord CreateRun(StateStore store, string file, string name, int nodes = 1)
    {
        var path = Path.Combine(Project, file);
        return store.CreateRun(
            name,
            _ => name,
            path,
            Project,
            n => new RunSpec { RunName = n, Type = "task", ConfigurationPath = path, RepoRoot = Project, Script = "python train.py", Nodes = nodes }.ToJson(),
            Now).Run;
    }

    private Task<TestClient> ClientAsync(object? capabilities) =>
        TestClient.InitializedAsync(DstackHandlers.Create(TestMachines.Offers(TestMachines.NoGpu, Home), Poll), capabilities);

    private string UriOf(string file) => new Uri(Path.Combine(Project, file)).AbsoluteUri;

    private Task OpenAsync(TestClient client, string file) => CodeLensTests.OpenAsync(client, UriOf(file), "type: task\ncommands: [python train.py]\n");

    /// <summary>The value of the first <c>$/progress</c> of <paramref name="kind"/> (with <paramref name="message"/>, when given).</summary>
    private static async Task<JsonElement> ProgressAsync(TestClient client, string kind, string? message = null)
    {
        var found = await client.WaitForAsync(
            m => m.TryGetProperty("method", out var method) && method.GetString() == "$/progress" &&
                m.GetProperty("params").GetProperty("value") is var value && value.GetProperty("kind").GetString() == kind &&
                (message is null || (value.TryGetProperty("message", out var said) && said.GetString() == message)),
            $"$/progress {kind} {message}");
        return found.GetProperty("params").GetProperty("value");
    }

    private static bool IsRequest(JsonElement message, string method) =>
        message.TryGetProperty("id", out _) && message.TryGetProperty("method", out var m) && m.GetString() == method;
}
