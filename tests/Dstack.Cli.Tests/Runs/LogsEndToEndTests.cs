using System.Text.RegularExpressions;

namespace Dstack.Cli.Tests.Runs;

/// <summary><c>dstack logs</c> from another process: following a detached run to its end, and the jobs of a multi-node run.</summary>
[Collection(RunCollection.Name)]
public sealed partial class LogsEndToEndTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private readonly DstackSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task LogsFollow_DetachedTask_PrintsEveryLineInOrderAndReturnsWhenTheRunEnds()
    {
        _sandbox.Write(".dstack.yml", "type: task\nname: ticker\ncommands:\n  - for i in $(seq 1 10); do echo line-$i; sleep 0.2; done\n");
        var submitted = await _sandbox.RunAsync("run", "-y", "-d");
        Assert.True(submitted.Code == 0, submitted.ToString());

        var follow = _sandbox.Start("logs", "ticker", "-f");
        await follow.WaitForTextAsync("line-1\n", Limit);
        var stillFollowing = !follow.HasExited;
        var result = await follow.WaitAsync(Limit);

        Assert.True(stillFollowing, "logs -f returned while the run was still printing");
        Assert.True(result.Code == 0, result.ToString());
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"line-{i}"), TickerLine().Matches(result.Output).Select(m => m.Value));
        Assert.Equal("done", (await _sandbox.RunRecordAsync("ticker")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Logs_TwoNodeRun_PrefixesRanks_AndJobSelectsOneUnprefixed()
    {
        _sandbox.Write(".dstack.yml", "type: task\nname: pair\nnodes: 2\ncommands:\n  - echo \"hello from rank $DSTACK_NODE_RANK\"\n");
        var run = await _sandbox.RunAsync("run", "-y");
        Assert.True(run.Code == 0, run.ToString());

        var all = await _sandbox.RunAsync("logs", "pair");
        var second = await _sandbox.RunAsync("logs", "pair", "--job", "1");
        var missing = await _sandbox.RunAsync("logs", "pair", "--job", "5");

        Assert.True(all.Code == 0, all.ToString());
        Assert.Contains("[0] hello from rank 0\n", all.Output, StringComparison.Ordinal);
        Assert.Contains("[1] hello from rank 1\n", all.Output, StringComparison.Ordinal);
        Assert.True(second.Code == 0, second.ToString());
        Assert.Contains("hello from rank 1\n", second.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("[1]", second.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("rank 0", second.Output, StringComparison.Ordinal);
        Assert.True(missing.Code == 2, missing.ToString());
        Assert.Contains("--job 5", missing.Error, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"line-\d+")]
    private static partial Regex TickerLine();
}
