using System.Text;
using Dstack.Runtime.Containers;
using Dstack.Runtime.Processes;
using Microsoft.AspNetCore.Http;

namespace Dstack.Runtime.Tests.Containers;

/// <summary>
/// A job in a container, followed through the engine's API (a fake engine on a unix socket): starting it, the refusals
/// in words, its output resumed after a dropped stream, its signals and its end.
/// </summary>
[Trait("Category", "Fast")]
public sealed class ContainerJobTests(FakeDockerEngine engine) : IClassFixture<FakeDockerEngine>
{
    private const string Id = "c0ffee";

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    private static readonly ContainerRequest Request = new()
    {
        Image = "localhost/busybox:1.35",
        Name = "dstack-r1-0",
        Command = ["/bin/sh", "-c", "echo hi"],
        User = "nobody-here",
        Labels = new Dictionary<string, string> { [ContainerLaunch.JobLabel] = "tok-1", [ContainerLaunch.RunLabel] = "r1" },
    };

    [Fact]
    public async Task StartAsync_NameTakenByAnotherRunsContainer_SaysSoAndHowToGoOn()
    {
        engine.Reset(c => c.Request.Path.Value switch
        {
            "/containers/json" => FakeDockerEngine.JsonAsync(c, 200, "[]"),
            _ => FakeDockerEngine.ErrorAsync(c, 409, "Conflict. The container name \"/dstack-r1-0\" is already in use by container \"1234\"."),
        });
        using var host = new ContainerEngine(engine.Client(), "gpu-1");

        var error = await Assert.ThrowsAsync<ContainerStartException>(() => ContainerJob.StartAsync(host, Request, CancellationToken.None));

        Assert.Equal("a container named dstack-r1-0 already exists on gpu-1 and is not this job's; remove it (docker rm -f dstack-r1-0) or give the run another name (-n)", error.Message);
        Assert.Equal(["POST /containers/create", "GET /containers/json"], engine.Requests.Select(r => $"{r.Method} {r.Path}"));
        Assert.Equal("dstack-r1-0", engine.Requests.First().Query["name"]);
        Assert.DoesNotContain(engine.Requests, r => r.Method == "DELETE");
    }

    [Fact]
    public async Task StartAsync_NameTakenByALeftoverOfThisJob_RemovesItAndCreatesAgain()
    {
        var creates = 0;
        engine.Reset(c => (c.Request.Method, c.Request.Path.Value) switch
        {
            ("GET", "/containers/json") => FakeDockerEngine.JsonAsync(c, 200, "[{\"Id\":\"old1\"}]"),
            ("POST", "/containers/create") when Interlocked.Increment(ref creates) == 1 => FakeDockerEngine.ErrorAsync(c, 409, "Conflict. The container name \"/dstack-r1-0\" is already in use"),
            ("POST", "/containers/create") => FakeDockerEngine.JsonAsync(c, 201, $"{{\"Id\":\"{Id}\"}}"),
            ("GET", $"/containers/{Id}/json") => FakeDockerEngine.JsonAsync(c, 200, "{\"State\":{\"Running\":true,\"Pid\":4242}}"),
            ("POST", $"/containers/{Id}/wait") => FakeDockerEngine.JsonAsync(c, 200, "{\"StatusCode\":0}"),
            ("GET", $"/containers/{Id}/logs") => Task.CompletedTask,
            _ => NoContentAsync(c),
        });
        using var host = new ContainerEngine(engine.Client(), "this machine");

        using var job = await ContainerJob.StartAsync(host, Request, CancellationToken.None);
        Assert.Equal(0, await job.Exited.WaitAsync(Limit));

        var calls = engine.Requests.Select(r => $"{r.Method} {r.Path}").ToList();
        Assert.Equal(["POST /containers/create", "GET /containers/json", "DELETE /containers/old1", "POST /containers/create", $"POST /containers/{Id}/start"], calls.Take(5));
        Assert.Equal("dstack.job=tok-1", (string?)System.Text.Json.Nodes.JsonNode.Parse(engine.Requests.Single(r => r.Path == "/containers/json").Query["filters"])!["label"]![0]);
        Assert.All(engine.Requests.Where(r => r.Path == "/containers/create"), r => Assert.Contains("\"dstack.job\":\"tok-1\"", r.Body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartAsync_EngineRefusesToStart_RemovesTheContainerAndNamesTheCause()
    {
        engine.Reset(c => (c.Request.Method, c.Request.Path.Value) switch
        {
            ("GET", "/containers/json") => FakeDockerEngine.JsonAsync(c, 200, "[]"),
            ("POST", "/containers/create") => FakeDockerEngine.JsonAsync(c, 201, $"{{\"Id\":\"{Id}\"}}"),
            ("POST", $"/containers/{Id}/start") => FakeDockerEngine.ErrorAsync(c, 500, "unable to find user nobody-here: no matching entries in passwd file"),
            _ => NoContentAsync(c),
        });
        using var host = new ContainerEngine(engine.Client(), "this machine");

        var error = await Assert.ThrowsAsync<ContainerStartException>(() => ContainerJob.StartAsync(host, Request, CancellationToken.None));

        Assert.Equal(
            "the container for image \"localhost/busybox:1.35\" could not start on this machine: unable to find user nobody-here: no matching entries in passwd file; " +
            "user: \"nobody-here\" is not a user of the image: write a uid (and gid), such as 1000:1000, or a name the image has",
            error.Message);
        Assert.Equal($"DELETE /containers/{Id}", engine.Requests.Select(r => $"{r.Method} {r.Path}").Last());
    }

    [Fact]
    public async Task StartAsync_EngineRefusesTheLookupOfLeftovers_IsAStartErrorNotACrash()
    {
        engine.Reset(c => c.Request.Path.Value == "/containers/json"
            ? FakeDockerEngine.JsonAsync(c, 200, "{\"not\": \"a list\"")
            : FakeDockerEngine.ErrorAsync(c, 409, "Conflict. The container name \"/dstack-r1-0\" is already in use"));
        using var host = new ContainerEngine(engine.Client(), "this machine");

        var error = await Assert.ThrowsAsync<ContainerStartException>(() => ContainerJob.StartAsync(host, Request, CancellationToken.None));

        Assert.Equal("the container dstack-r1-0 for image \"localhost/busybox:1.35\" could not be started on this machine: the Docker engine answered GET /containers/json with 200: an answer that is not JSON: {\"not\": \"a list\"", error.Message);
        Assert.Single(engine.Requests, r => r.Path == "/containers/create");
    }

    [Fact]
    public async Task StartAsync_NoEngine_SaysTheImageNeedsIt()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"dstack-no-engine-{Guid.NewGuid():N}.sock");
        using var host = new ContainerEngine(DockerApi.ForSocket(missing), "gpu-1");

        var error = await Assert.ThrowsAsync<ContainerStartException>(() => ContainerJob.StartAsync(host, Request, CancellationToken.None));

        Assert.StartsWith($"image: \"localhost/busybox:1.35\" needs the Docker engine on gpu-1, and no Docker engine answers at {missing} (", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_StreamDroppedMidFrame_ResumeSinceTheLastTime_WithoutDuplicates()
    {
        var resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dropNow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var logRequests = 0;
        engine.Reset(async c =>
        {
            switch (c.Request.Method, c.Request.Path.Value)
            {
                case ("GET", $"/containers/{Id}/logs") when Interlocked.Increment(ref logRequests) == 1:
                    await FramesAsync(c, Frame(1, "2026-12-04T18:50:00.100000000Z", "one\n"), Frame(1, "2026-12-04T18:50:00.200000000Z", "two\n"), Frame(2, "2026-12-04T18:50:00.200000000Z", "two-err\n"));
                    await FramesAsync(c, Frame(1, "2026-12-04T18:50:00.300000000Z", "three\n")[..14]);
                    await dropNow.Task.WaitAsync(Limit);
                    c.Abort();
                    break;
                case ("GET", $"/containers/{Id}/logs"):
                    await FramesAsync(c, Frame(1, "2026-12-04T18:50:00.200000000Z", "two\n"), Frame(2, "2026-12-04T18:50:00.200000000Z", "two-err\n"), Frame(1, "2026-12-04T18:50:00.300000000Z", "three\n"), Frame(2, "2026-12-04T18:50:01.000000000Z", "four\n"));
                    resumed.TrySetResult();
                    break;
                case ("POST", $"/containers/{Id}/wait"):
                    await resumed.Task.WaitAsync(Limit);
                    await FakeDockerEngine.JsonAsync(c, 200, "{\"StatusCode\":7}");
                    break;
                default:
                    await StartedAsync(c);
                    break;
            }
        });
        var recoveries = 0;
        using var host = new ContainerEngine(engine.Client(), "gpu-1", _ => Task.FromResult(Interlocked.Increment(ref recoveries) > 0));

        using var job = await ContainerJob.StartAsync(host, Request, CancellationToken.None);
        using var lines = new StreamReader(job.Stdout, Encoding.UTF8);
        var stderr = ReadAllAsync(job.Stderr);
        var before = await ReadLinesAsync(lines, 2);
        dropNow.SetResult();

        Assert.Equal(7, await job.Exited.WaitAsync(Limit));
        Assert.Equal("one\ntwo\nthree\n", before + await lines.ReadToEndAsync().WaitAsync(Limit));
        Assert.Equal("two-err\nfour\n", await stderr.WaitAsync(Limit));
        Assert.Null(job.LostReason);
        Assert.Equal(1, recoveries);
        var logs = engine.Requests.Where(r => r.Path == $"/containers/{Id}/logs").ToList();
        Assert.Equal(2, logs.Count);
        Assert.False(logs[0].Query.ContainsKey("since"));
        Assert.Equal("1796410200.200000000", logs[1].Query["since"]);
        Assert.All(logs, l => Assert.Equal(("1", "1", "1", "1"), (l.Query["follow"], l.Query["timestamps"], l.Query["stdout"], l.Query["stderr"])));
    }

    [Fact]
    public async Task Logs_StreamBrokenWhileTheEngineAnswers_IsResumedAtOnce_WithoutAHostToRecover()
    {
        var resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dropNow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var logRequests = 0;
        engine.Reset(async c =>
        {
            switch (c.Request.Method, c.Request.Path.Value)
            {
                case ("GET", "/_ping"):
                    await c.Response.WriteAsync("OK");
                    break;
                case ("GET", $"/containers/{Id}/logs") when Interlocked.Increment(ref logRequests) == 1:
                    await FramesAsync(c, Frame(1, "2026-12-04T18:50:00.100000000Z", "one\n"), Frame(1, "2026-12-04T18:50:00.200000000Z", "two\n")[..9]);
                    await dropNow.Task.WaitAsync(Limit);
                    c.Abort();
                    break;
                case ("GET", $"/containers/{Id}/logs"):
                    await FramesAsync(c, Frame(1, "2026-12-04T18:50:00.100000000Z", "one\n"), Frame(1, "2026-12-04T18:50:00.200000000Z", "two\n"));
                    resumed.TrySetResult();
                    break;
                case ("POST", $"/containers/{Id}/wait"):
                    await resumed.Task.WaitAsync(Limit);
                    await FakeDockerEngine.JsonAsync(c, 200, "{\"StatusCode\":0}");
                    break;
                default:
                    await StartedAsync(c);
                    break;
            }
        });
        using var host = new ContainerEngine(engine.Client(), "this machine");

        using var job = await ContainerJob.StartAsync(host, Request, CancellationToken.None);
        using var lines = new StreamReader(job.Stdout, Encoding.UTF8);
        var before = await ReadLinesAsync(lines, 1);
        dropNow.SetResult();

        Assert.Equal(0, await job.Exited.WaitAsync(Limit));
        Assert.Equal("one\ntwo\n", before + await lines.ReadToEndAsync().WaitAsync(Limit));
        Assert.Null(host.LostReason);
        Assert.Equal("1796410200.100000000", engine.Requests.Last(r => r.Path == $"/containers/{Id}/logs").Query["since"]);
    }

    [Fact]
    public async Task Logs_StreamThatNeverGivesAFrame_IsGivenUp_TheJobStillEnds()
    {
        var logRequests = 0;
        engine.Reset(async c =>
        {
            switch (c.Request.Method, c.Request.Path.Value)
            {
                case ("GET", "/_ping"):
                    await c.Response.WriteAsync("OK");
                    break;
                case ("GET", $"/containers/{Id}/logs"):
                    Interlocked.Increment(ref logRequests);
                    await c.Response.WriteAsync("a terminal's raw output, not frames\n");
                    break;
                case ("POST", $"/containers/{Id}/wait"):
                    while (Volatile.Read(ref logRequests) < 6)
                    {
                        await Task.Delay(10);
                    }

                    await FakeDockerEngine.JsonAsync(c, 200, "{\"StatusCode\":5}");
                    break;
                default:
                    await StartedAsync(c);
                    break;
            }
        });
        using var host = new ContainerEngine(engine.Client(), "this machine");

        using var job = await ContainerJob.StartAsync(host, Request, CancellationToken.None);
        var stdout = ReadAllAsync(job.Stdout);

        Assert.Equal(5, await job.Exited.WaitAsync(Limit));
        Assert.Equal(string.Empty, await stdout.WaitAsync(Limit));
        Assert.Equal(6, Volatile.Read(ref logRequests));
    }

    [Fact]
    public async Task SignalGroup_Terminate_IsSentToTheContainer_KillRemovesIt()
    {
        var removed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        engine.Reset(async c =>
        {
            switch (c.Request.Method, c.Request.Path.Value)
            {
                case ("DELETE", $"/containers/{Id}"):
                    removed.TrySetResult();
                    await NoContentAsync(c);
                    break;
                case ("POST", $"/containers/{Id}/wait"):
                    await removed.Task.WaitAsync(Limit);
                    await FakeDockerEngine.ErrorAsync(c, 404, $"No such container: {Id}");
                    break;
                case ("GET", $"/containers/{Id}/logs"):
                    await removed.Task.WaitAsync(Limit);
                    break;
                default:
                    await StartedAsync(c);
                    break;
            }
        });
        using var host = new ContainerEngine(engine.Client(), "this machine");
        using var job = await ContainerJob.StartAsync(host, Request, CancellationToken.None);

        Assert.True(job.SignalGroup(Signals.Terminate));
        Assert.True(job.SignalGroup(Signals.Kill));

        Assert.Equal(128 + Signals.Kill, await job.Exited.WaitAsync(Limit));
        Assert.Null(job.LostReason);
        var kill = engine.Requests.Single(r => r.Path == $"/containers/{Id}/kill");
        Assert.Equal(Signals.Terminate.ToString(System.Globalization.CultureInfo.InvariantCulture), kill.Query["signal"]);
        Assert.Equal(("1", "1"), (engine.Requests.Single(r => r.Method == "DELETE").Query["force"], engine.Requests.Single(r => r.Method == "DELETE").Query["v"]));
    }

    [Fact]
    public async Task Exited_ContainerRemovedFromOutside_IsLostWithTheReason()
    {
        engine.Reset(c => (c.Request.Method, c.Request.Path.Value) switch
        {
            ("POST", $"/containers/{Id}/wait") => FakeDockerEngine.ErrorAsync(c, 404, $"No such container: {Id}"),
            ("GET", $"/containers/{Id}/logs") => FakeDockerEngine.ErrorAsync(c, 404, $"No such container: {Id}"),
            _ => StartedAsync(c),
        });
        using var host = new ContainerEngine(engine.Client(), "gpu-1");
        using var job = await ContainerJob.StartAsync(host, Request, CancellationToken.None);

        Assert.Equal(128 + Signals.Kill, await job.Exited.WaitAsync(Limit));
        Assert.Equal("the container dstack-r1-0 was removed on gpu-1 while the job ran (docker rm from outside, or the engine's data was reset)", job.LostReason);
        Assert.False(job.IsGroupAlive);
    }

    [Fact]
    public void RemoveLeftover_RemovesOnlyTheJobsContainer_FalseWithoutAnEngine()
    {
        engine.Reset(c => c.Request.Path.Value == "/containers/json"
            ? FakeDockerEngine.JsonAsync(c, 200, "[{\"Id\":\"mine1\"}]")
            : NoContentAsync(c));
        using var host = new ContainerEngine(engine.Client(), "this machine");
        using var nowhere = new ContainerEngine(DockerApi.ForSocket(Path.Combine(Path.GetTempPath(), $"dstack-no-engine-{Guid.NewGuid():N}.sock")), "gpu-1");

        Assert.True(ContainerJob.RemoveLeftover(host, "dstack-r1-0", "tok-1"));
        Assert.False(ContainerJob.RemoveLeftover(nowhere, "dstack-r1-0", "tok-1"));

        var list = engine.Requests.First();
        Assert.Equal("dstack.job=tok-1", (string?)System.Text.Json.Nodes.JsonNode.Parse(list.Query["filters"])!["label"]![0]);
        Assert.Equal(["GET /containers/json", "DELETE /containers/mine1"], engine.Requests.Select(r => $"{r.Method} {r.Path}"));
    }

    /// <summary>The calls of a container that was created and started and runs: list, create, start, inspect, remove.</summary>
    private static Task StartedAsync(HttpContext context) => (context.Request.Method, context.Request.Path.Value) switch
    {
        ("GET", "/containers/json") => FakeDockerEngine.JsonAsync(context, 200, "[]"),
        ("POST", "/containers/create") => FakeDockerEngine.JsonAsync(context, 201, $"{{\"Id\":\"{Id}\"}}"),
        ("GET", $"/containers/{Id}/json") => FakeDockerEngine.JsonAsync(context, 200, "{\"State\":{\"Running\":true,\"Pid\":4242}}"),
        _ => NoContentAsync(context),
    };

    private static Task NoContentAsync(HttpContext context)
    {
        context.Response.StatusCode = 204;
        return Task.CompletedTask;
    }

    private static byte[] Frame(int stream, string timestamp, string message) => LogFramesTests.Frame(stream, $"{timestamp} {message}");

    private static async Task FramesAsync(HttpContext context, params byte[][] frames)
    {
        context.Response.ContentType = "application/vnd.docker.multiplexed-stream";
        foreach (var frame in frames)
        {
            await context.Response.Body.WriteAsync(frame);
        }

        await context.Response.Body.FlushAsync();
    }

    /// <summary>The first <paramref name="count"/> lines of the job's output (each with its newline), once they have come.</summary>
    private static async Task<string> ReadLinesAsync(StreamReader reader, int count)
    {
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            text.Append(await reader.ReadLineAsync().WaitAsync(Limit)).Append('\n');
        }

        return text.ToString();
    }

    private static async Task<string> ReadAllAsync(Stream stream)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }
}
