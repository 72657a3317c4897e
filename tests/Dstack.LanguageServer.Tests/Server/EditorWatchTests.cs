using System.Diagnostics;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Server;
using Dstack.LanguageServer.Tests.Support;

namespace Dstack.LanguageServer.Tests.Server;

/// <summary>The <c>processId</c> of <c>initialize</c>: the session ends when that process does, and logs why.</summary>
public sealed class EditorWatchTests
{
    [Fact]
    public async Task Initialize_EditorProcessEnds_SessionEndsWithExitCodeOne()
    {
        using var editor = new Sleeper();
        await using var client = await TestClient.InitializedAsync(TestMethods.Table(new TestMethods.WaitHandler()), processId: editor.Id);
        Assert.Equal(editor.Id, client.Server.WatchedEditor);
        await client.ResultAsync(TestMethods.Echo, new { alive = true });

        var watch = Stopwatch.StartNew();
        editor.Kill();
        var exitCode = await client.ExitCodeAsync();

        Assert.Equal(1, exitCode);
        // One check a second, plus the second the notice may wait for a client that no longer reads.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"the session ended {watch.Elapsed} after the editor");
        Assert.Contains($"the editor's process {editor.Id} has ended", client.Stderr.ToString(), StringComparison.Ordinal);
        var notice = await client.WaitForAsync(
            m => m.TryGetProperty("params", out var p) && p.TryGetProperty("message", out var text) && text.GetString()!.Contains("has ended", StringComparison.Ordinal),
            "the notice that the editor has gone");
        Assert.Equal(MessageType.Info, notice.GetProperty("params").GetProperty("type").GetInt32());
    }

    [Fact]
    public async Task Initialize_EditorProcessEnds_PendingRequestIsAnsweredCancelled()
    {
        using var editor = new Sleeper();
        var waiter = new TestMethods.WaitHandler();
        await using var client = await TestClient.InitializedAsync(TestMethods.Table(waiter), processId: editor.Id);
        var pending = client.RequestAsync(TestMethods.Wait, new { });
        await waiter.Started();

        editor.Kill();

        Assert.Equal(1, await client.ExitCodeAsync());
        var response = await pending.WaitAsync(Bounded.Limit);
        Assert.Equal(ErrorCodes.RequestCancelled, response.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Initialize_EditorProcessNotRunning_WarnsAndServesOn()
    {
        using var editor = new Sleeper();
        editor.Kill();

        await using var client = await TestClient.InitializedAsync(TestMethods.Table(new TestMethods.WaitHandler()), processId: editor.Id);
        var warning = (await client.ProblemAsync()).GetProperty("params");
        // Longer than a check of the watch would take, had one been started.
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        Assert.Equal(MessageType.Warning, warning.GetProperty("type").GetInt32());
        Assert.Contains($"the editor's process {editor.Id} (processId) is not running", warning.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Null(client.Server.WatchedEditor);
        await client.ResultAsync(TestMethods.Echo, new { still = "serving" });
        Assert.Equal(0, await ShutDownAsync(client));
    }

    [Fact]
    public async Task Initialize_NoProcessId_WatchesNothing()
    {
        await using var client = await TestClient.InitializedAsync();

        Assert.Null(client.Server.WatchedEditor);
        Assert.Empty(client.Problems());
    }

    [Fact]
    public async Task Initialize_EditorRuns_InputEndStillEndsTheSession()
    {
        using var editor = new Sleeper();
        await using var client = await TestClient.InitializedAsync(processId: editor.Id);

        Assert.Equal(1, await client.CloseAndExitCodeAsync());
        Assert.True(ParentProcessWatch.IsRunning(editor.Id));
    }

    private static async Task<int> ShutDownAsync(TestClient client)
    {
        await client.ResultAsync("shutdown");
        await client.NotifyAsync("exit");
        return await client.ExitCodeAsync();
    }
}
