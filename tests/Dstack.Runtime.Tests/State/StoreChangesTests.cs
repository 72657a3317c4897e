using System.Diagnostics;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Tests.State;

/// <summary>A follower's wait ends when another store (another process's) records something, not at its next poll.</summary>
[Trait("Category", "Fast")]
public sealed class StoreChangesTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "dstack-changes-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task WaitAsync_AnotherStoreRecordsAStatus_EndsLongBeforeItsLimit()
    {
        var home = new DstackHome(_root);
        var follower = StateStore.Open(home);
        var (run, _) = follower.CreateRun("watched", _ => "watched", "/c.yml", "/repo", _ => "{}", Now);
        using var changes = StoreChanges.Watch(home);
        Assert.NotNull(changes);
        changes.Take();

        var writer = StateStore.Open(home);
        var clock = Stopwatch.StartNew();
        var waiting = changes.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        writer.SetRunStatus(run.Id, RunStatus.Done, Now);
        await waiting.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the wait took {clock.Elapsed}");
        Assert.True(changes.Take());
        Assert.False(changes.Take());
        Assert.Equal(RunStatus.Done, follower.FindRun(run.Id)!.Status);
    }

    [Fact]
    public async Task WaitAsync_NothingRecorded_WaitsItsLimit()
    {
        var home = new DstackHome(_root);
        StateStore.Open(home);
        using var changes = StoreChanges.Watch(home);
        Assert.NotNull(changes);
        changes.Take();

        var clock = Stopwatch.StartNew();
        await changes.WaitAsync(TimeSpan.FromMilliseconds(200), CancellationToken.None);

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(150), $"the wait ended after {clock.Elapsed}");
    }

    [Fact]
    public void Watch_FolderMissing_IsNullSoTheCallerPolls()
    {
        Assert.Null(StoreChanges.Watch(new DstackHome(Path.Combine(_root, "missing"))));
    }
}
