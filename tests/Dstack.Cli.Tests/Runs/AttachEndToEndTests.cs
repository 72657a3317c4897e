namespace Dstack.Cli.Tests.Runs;

/// <summary>
/// <c>dstack attach</c> from another process to a detached run: its ports forwarded again (or as <c>-p</c> says),
/// its logs followed, and what it does on SIGINT without a terminal; and the commands that take a run name when the
/// name is wrong.
/// </summary>
[Collection(RunCollection.Name)]
public sealed class AttachEndToEndTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private readonly DstackSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Attach_DetachedWebApp_ForwardsItsPortAgainFollowsLogs_AndSigintStopsTheRun()
    {
        var (local, container) = await SubmitWebAppAsync("site");

        var attach = _sandbox.Start("attach", "site");
        await attach.WaitForTextAsync($"http://localhost:{local}/", Limit);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var body = await Loopback.GetWithRetriesAsync(http, $"http://127.0.0.1:{local}/index.html");
        await attach.WaitForTextAsync("\"GET /index.html HTTP/1.1\" 200", Limit); // written by the job after attach began

        Assert.Equal("hello from site", body);
        Assert.False(attach.HasExited, "attach must stay until the run ends or it is interrupted");

        attach.Interrupt();
        var result = await attach.WaitAsync(Limit);

        Assert.True(result.Code == 130, result.ToString());
        Assert.Contains("Stopping site", result.Error, StringComparison.Ordinal);
        Assert.Empty(await _sandbox.WaitForNoJobProcessesAsync("site", TimeSpan.FromSeconds(5)));
        Assert.False(Loopback.IsListening(local), $"local port {local} is still open");
        Assert.False(Loopback.IsListening(container), $"container port {container} is still open");
        var record = await _sandbox.RunRecordAsync("site");
        Assert.Equal("terminated", record.GetProperty("status").GetString());
        Assert.Equal("stopped_by_user", record.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Attach_WithPortOption_ForwardsTheGivenLocalPortInsteadOfTheRunsOwn()
    {
        var (local, container) = await SubmitWebAppAsync("other");
        var other = Loopback.FreePort();

        var attach = _sandbox.Start("attach", "other", "-p", $"{other}:{container}");
        await attach.WaitForTextAsync($"http://127.0.0.1:{other} -> {container}", Limit);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var body = await Loopback.GetWithRetriesAsync(http, $"http://127.0.0.1:{other}/index.html");

        Assert.Equal("hello from other", body);
        Assert.False(Loopback.IsListening(local), $"the run's own local port {local} must not be forwarded when -p replaces it");

        var stop = await _sandbox.RunAsync("stop", "other", "-y");
        var attached = await attach.WaitAsync(Limit);

        Assert.True(stop.Code == 0, stop.ToString());
        Assert.True(attached.Code == 1, attached.ToString()); // the run ended stopped, and attach was not interrupted: 1, not 130
        Assert.False(Loopback.IsListening(other), $"port {other} is still forwarded after attach ended");
        Assert.Empty(_sandbox.JobProcesses("other"));
    }

    [Fact]
    public async Task Attach_FinishedRun_FailsSayingItHasFinished()
    {
        _sandbox.Write(".dstack.yml", "type: task\nname: quick\ncommands:\n  - echo done-already\n");
        Assert.Equal(0, (await _sandbox.RunAsync("run", "-y")).Code);

        var result = await _sandbox.RunAsync("attach", "quick");

        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains("quick has finished (done)", result.Error, StringComparison.Ordinal);
        Assert.Contains("dstack logs quick", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("attach")]
    [InlineData("logs")]
    [InlineData("stop")]
    public async Task RunCommand_UnknownName_FailsWithDSTK3008AndSuggestsACloseName(string command)
    {
        _sandbox.Write(".dstack.yml", "type: task\nname: training\ncommands:\n  - echo hi\n");
        Assert.Equal(0, (await _sandbox.RunAsync("run", "-y")).Code);

        var close = await _sandbox.RunAsync(command, "trainign");
        var far = await _sandbox.RunAsync(command, "zzzzzzzz");

        Assert.True(close.Code == 1, close.ToString());
        Assert.Contains("DSTK3008", close.Error, StringComparison.Ordinal);
        Assert.Contains("no run named trainign; did you mean training?", close.Error, StringComparison.Ordinal);
        Assert.True(far.Code == 1, far.ToString());
        Assert.Contains("DSTK3008", far.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("did you mean", far.Error, StringComparison.Ordinal);
    }

    /// <summary>Submits (detached) a web app that listens on a container port mapped from a different local port.</summary>
    private async Task<(int Local, int Container)> SubmitWebAppAsync(string name)
    {
        var container = Loopback.FreePort();
        var local = Loopback.FreePort();
        Assert.NotEqual(local, container);
        _sandbox.Write("index.html", $"hello from {name}");
        _sandbox.Write(".dstack.yml", $"type: task\nname: {name}\nstop_duration: 10s\nports:\n  - \"{local}:{container}\"\ncommands:\n  - echo \"Serving on http://0.0.0.0:{container}/\"\n  - exec python3 -m http.server {container} --bind 127.0.0.1\n");
        var submitted = await _sandbox.RunAsync("run", "-y", "-d");
        Assert.True(submitted.Code == 0, submitted.ToString());
        Assert.False(Loopback.IsListening(local), $"a detached run must not forward local port {local}");
        return (local, container);
    }
}
