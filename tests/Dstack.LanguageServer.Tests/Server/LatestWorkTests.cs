using Dstack.LanguageServer.Server;
using Dstack.LanguageServer.Tests.Support;

namespace Dstack.LanguageServer.Tests.Server;

/// <summary>Work by key: in order per key, the newest replacing what has not started, failures reported and survived.</summary>
[Trait("Category", "Fast")]
public sealed class LatestWorkTests
{
    [Fact]
    public async Task Post_WhileWorkRuns_OnlyTheNewestWaitingWorkRunsAfterIt()
    {
        var errors = new List<Exception>();
        var work = new LatestWork(errors.Add);
        var started = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var ran = new List<int>();
        work.Post("a", async () =>
        {
            started.SetResult();
            await release.Task;
            lock (ran) { ran.Add(1); }
        });
        await started.Task.WaitAsync(Bounded.Limit);
        for (var i = 2; i <= 5; i++)
        {
            var n = i;
            work.Post("a", () =>
            {
                lock (ran) { ran.Add(n); }
                return Task.CompletedTask;
            });
        }

        release.SetResult();
        await work.IdleAsync().WaitAsync(Bounded.Limit);

        Assert.Equal([1, 5], ran);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Post_OtherKeys_DoNotWaitForEachOther()
    {
        var work = new LatestWork(_ => { });
        var blocked = new TaskCompletionSource();
        var other = new TaskCompletionSource();
        work.Post("slow", () => blocked.Task);
        work.Post("fast", () =>
        {
            other.SetResult();
            return Task.CompletedTask;
        });

        await other.Task.WaitAsync(Bounded.Limit);
        blocked.SetResult();
        await work.IdleAsync().WaitAsync(Bounded.Limit);
    }

    [Fact]
    public async Task Post_WorkThatThrows_IsReportedAndLaterWorkStillRuns()
    {
        var errors = new List<Exception>();
        var work = new LatestWork(e => { lock (errors) { errors.Add(e); } });
        var later = new TaskCompletionSource();
        work.Post("a", () => throw new InvalidOperationException("boom"));
        await work.IdleAsync().WaitAsync(Bounded.Limit);
        work.Post("a", () =>
        {
            later.SetResult();
            return Task.CompletedTask;
        });

        await later.Task.WaitAsync(Bounded.Limit);
        Assert.Equal("boom", Assert.Single(errors).Message);
    }
}
