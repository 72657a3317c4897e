using Dstack.LanguageServer.Runs;
using Dstack.LanguageServer.Server;
using Dstack.LanguageServer.Transport;

namespace Dstack.LanguageServer.Tests.Runs;

[Trait("Category", "Fast")]
public sealed class StatePollingLoopTests
{
    [Fact]
    public async Task FailedTurns_AreLoggedOncePerProblem_AndTheLoopGoesOn_ThenCloses()
    {
        var stderr = new StringWriter();
        using var output = new MemoryStream();
        using var writer = new MessageWriter(output);
        var log = new ServerLog(stderr, new ClientChannel(writer));
        var turns = 0;
        var failures = 0;
        var closed = new TaskCompletionSource();
        var sixth = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Turns 1-2 fail the same way, 3 succeeds, 4 fails the same way again, 5 fails another way, 6+ succeed.
        var loop = StatePollingLoop.Start("test loop", log, TimeSpan.FromMilliseconds(1), _ =>
        {
            var turn = Interlocked.Increment(ref turns);
            if (turn >= 6)
            {
                sixth.TrySetResult();
            }

            return turn switch
            {
                1 or 2 or 4 => throw new InvalidOperationException("store locked"),
                5 => throw new IOException("disk gone"),
                _ => Task.CompletedTask,
            };
        }, failed: _ => Interlocked.Increment(ref failures), closing: () =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        });

        await sixth.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await loop.DisposeAsync();

        Assert.True(closed.Task.IsCompleted);
        Assert.Equal(4, failures);
        var lines = stderr.ToString().Split('\n').Where(l => l.Contains("test loop:", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, lines.Count);
        Assert.Contains("InvalidOperationException: store locked", lines[0], StringComparison.Ordinal);
        Assert.Contains("InvalidOperationException: store locked", lines[1], StringComparison.Ordinal);
        Assert.Contains("IOException: disk gone", lines[2], StringComparison.Ordinal);
        Assert.Equal(0, output.Length);
    }
}
