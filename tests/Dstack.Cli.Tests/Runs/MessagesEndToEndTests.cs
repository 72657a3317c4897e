namespace Dstack.Cli.Tests.Runs;

/// <summary>What the real <c>dstack</c> says in the corners: counts of one, logs that are gone, a damaged state store.</summary>
[Collection(RunCollection.Name)]
public sealed class MessagesEndToEndTests : IDisposable
{
    private readonly DstackSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Run_ProjectOfOneFile_SaysOneFile()
    {
        _sandbox.Write(".dstack.yml", "type: task\nname: one-file\ncommands:\n  - echo ran\n");

        var result = await _sandbox.RunAsync("run", "-y");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains(": 1 file, ", result.Output + result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("1 files", result.Output + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_RunWhoseLogsWereDeleted_SaysSoAndExitsOne()
    {
        _sandbox.Write(".dstack.yml", "type: task\nname: logs-gone\ncommands:\n  - echo ran\n");
        Assert.Equal(0, (await _sandbox.RunAsync("run", "-y")).Code);
        var logs = Path.Combine(_sandbox.Home, "runs", "logs-gone", "logs");
        Directory.Delete(Path.Combine(_sandbox.Home, "runs", "logs-gone"), recursive: true);

        var result = await _sandbox.RunAsync("logs", "logs-gone");

        Assert.True(result.Code == 1, result.ToString());
        Assert.Equal(string.Empty, result.Output);
        Assert.Contains($"the logs of logs-gone are gone: {logs} no longer exists", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ps_DamagedStateDatabase_SaysItIsDamagedAndHowToStartAgain()
    {
        var database = Path.Combine(_sandbox.Home, "state.db");
        File.WriteAllText(database, new string('x', 4096));

        var result = await _sandbox.RunAsync("ps");

        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains("DSTK3014", result.Error, StringComparison.Ordinal);
        Assert.Contains($"the file is damaged or is not dstack's state; move it aside with its -wal and -shm files (mkdir {Path.GetDirectoryName(database)}/damaged && mv {database}* {Path.GetDirectoryName(database)}/damaged/)", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("writable", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }
}
