namespace Dstack.Cli.Tests.Runs;

/// <summary><c>dstack run --reload</c>: an edit in the project folder reaches the running job's working copy.</summary>
[Collection(RunCollection.Name)]
public sealed class ReloadEndToEndTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    private readonly DstackSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Reload_FileEditedInTheProject_TheRunningJobSeesTheNewContent()
    {
        _sandbox.Write("message.txt", "first-version\n");
        // Bounded: 100 passes of 0.2 s, so a run the test failed to stop ends by itself within ~20 s.
        _sandbox.Write(".dstack.yml", "type: task\nname: live\ncommands:\n  - for i in $(seq 1 100); do cat message.txt; sleep 0.2; done\n");
        var submitted = await _sandbox.RunAsync("run", "-y", "-d", "--reload");
        Assert.True(submitted.Code == 0, submitted.ToString());
        await _sandbox.WaitForLogsAsync("live", "first-version", Limit);

        _sandbox.Write("message.txt", "second-version\n");
        var logs = await _sandbox.WaitForLogsAsync("live", "second-version", Limit);

        // Once the job has seen the edit it never reads the old content again (files are replaced whole).
        Assert.True(logs.LastIndexOf("first-version", StringComparison.Ordinal) < logs.IndexOf("second-version", StringComparison.Ordinal), logs);
        var stop = await _sandbox.RunAsync("stop", "live", "-y");
        Assert.True(stop.Code == 0, stop.ToString());
        Assert.Empty(await _sandbox.WaitForNoJobProcessesAsync("live", TimeSpan.FromSeconds(5)));
    }
}
