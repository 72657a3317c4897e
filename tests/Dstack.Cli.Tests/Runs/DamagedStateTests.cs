namespace Dstack.Cli.Tests.Runs;

/// <summary>State that someone edited or that a crash left half-written gives a clear message, never a stack trace.</summary>
[Collection(RunCollection.Name)]
public sealed class DamagedStateTests : IDisposable
{
    private readonly DstackSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Logs_DamagedLogFile_NamesTheFileAndExitsOne()
    {
        _sandbox.Write(".dstack.yml", "type: task\nname: damaged\ncommands:\n  - echo before-the-damage\n");
        Assert.Equal(0, (await _sandbox.RunAsync("run", "-y")).Code);
        var log = Path.Combine(_sandbox.Home, "runs", "damaged", "logs", "job-0.log");
        File.AppendAllText(log, "\u0009garbage that is not a frame");

        var result = await _sandbox.RunAsync("logs", "damaged");

        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains("before-the-damage", result.Output, StringComparison.Ordinal);
        Assert.Contains($"{log}: the log file is damaged", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_StateFolderIsAFile_ReportsTheStateStoreNotACrash()
    {
        _sandbox.Write(".dstack.yml", "type: task\ncommands:\n  - echo should-not-run\n");
        var blocker = Path.Combine(_sandbox.Home, "not-a-folder");
        File.WriteAllText(blocker, "x");
        _sandbox.Environment["DSTACK_HOME"] = blocker;

        var result = await _sandbox.RunAsync("run", "-y");

        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains("DSTK3014", result.Error, StringComparison.Ordinal);
        Assert.Contains(blocker, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("should-not-run", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }
}
