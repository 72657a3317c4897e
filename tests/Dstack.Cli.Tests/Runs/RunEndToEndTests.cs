using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Dstack.Cli.Tests.Runs;

/// <summary>
/// <c>dstack run</c> through the real program on real processes: exit codes, output, ports, nodes, run arguments,
/// environment, resources, and that a stopped or interrupted run leaves no process behind.
/// </summary>
[Collection(RunCollection.Name)]
public sealed class RunEndToEndTests : IDisposable
{
    private readonly DstackSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Run_TaskThatFails_PrintsOutputAndExitsWithTheJobsCode()
    {
        _sandbox.Write(".dstack.yml", "type: task\nname: fails\ncommands:\n  - echo to-stdout\n  - echo to-stderr >&2\n  - exit 7\n");

        var result = await _sandbox.RunAsync("run", "-y");

        Assert.True(result.Code == 7, result.ToString());
        Assert.Contains("to-stdout\n", result.Output, StringComparison.Ordinal);
        Assert.Contains("to-stderr\n", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("to-stderr", result.Output, StringComparison.Ordinal);
        var run = await _sandbox.RunRecordAsync("fails");
        Assert.Equal("failed", run.GetProperty("status").GetString());
        Assert.Equal(7, run.GetProperty("exit_code").GetInt32());
        Assert.False(Directory.Exists(Path.Combine(_sandbox.Home, "runs", "fails", "code")), "the working copy must be removed when the run ends");
    }

    [Fact]
    public async Task Run_WorkingCopy_HasTheFolderButNotIgnoredFiles_AndRunsInWorkingDir()
    {
        _sandbox.Write(".gitignore", "secret.txt\n");
        _sandbox.Write("secret.txt", "do not copy");
        _sandbox.Write("src/app.txt", "app");
        _sandbox.Write(".dstack.yml", "type: task\nworking_dir: src\ncommands:\n  - ls -a ..\n  - cat app.txt\n  - pwd\n");

        var result = await _sandbox.RunAsync("run", "-y");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("app", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("secret.txt", result.Output, StringComparison.Ordinal);
        Assert.Contains($"{Path.Combine(_sandbox.Home, "runs")}", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(_sandbox.Project + "\n", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ArgumentsWithSpacesAndQuotes_ArriveWhole()
    {
        _sandbox.Write(".dstack.yml", "type: task\ncommands:\n  - printf '<%s>\\n' ${{ run.args }}\n  - echo \"pid-escape $$$$\"\n");

        var result = await _sandbox.RunAsync("run", "-y", "--prompt", "Dogs in hats", "it's \"quoted\"", "$HOME");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("<--prompt>\n<Dogs in hats>\n<it's \"quoted\">\n<$HOME>\n", result.Output, StringComparison.Ordinal);
        Assert.Matches(@"pid-escape \d+", result.Output);
    }

    [Fact]
    public async Task Run_SystemVariablesAndEnv_ReachTheJob()
    {
        _sandbox.Write(".dstack.yml", "type: task\nname: envs\nenv:\n  - GREETING=hello\n  - TOKEN_FROM_SHELL\n  - FROM_DOTENV\ncommands:\n  - echo \"$DSTACK_RUN_NAME|$DSTACK_NODES_NUM|$DSTACK_NODE_RANK|$DSTACK_MASTER_NODE_IP|$DSTACK_GPUS_NUM|$GREETING|$FROM_DOTENV|${#TOKEN_FROM_SHELL}\"\n  - echo \"token is $TOKEN_FROM_SHELL\"\n");
        _sandbox.Write(".env", "FROM_DOTENV=dotenv-value\n");
        _sandbox.Environment["TOKEN_FROM_SHELL"] = "s3cr3t-token-value";

        var result = await _sandbox.RunAsync("run", "-y", "-e", "GREETING=overridden");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("envs|1|0|127.0.0.1|0|overridden|***|18\n", result.Output, StringComparison.Ordinal); // .env values are masked: it usually holds tokens
        Assert.Contains("token is ***", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-token-value", result.Output + result.Error, StringComparison.Ordinal);
        foreach (var file in Directory.EnumerateFiles(_sandbox.Home, "*", SearchOption.AllDirectories))
        {
            Assert.DoesNotContain("s3cr3t-token-value", File.ReadAllText(file), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Run_MissingRequiredVariables_OneErrorNamesEach_AndNothingRuns()
    {
        _sandbox.Write(".dstack.yml", "type: task\nenv:\n  - HF_TOKEN\n  - WANDB_API_KEY\ncommands:\n  - echo should-not-run\n");

        var result = await _sandbox.RunAsync("run", "-y");

        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains("DSTK3001", result.Error, StringComparison.Ordinal);
        Assert.Contains("HF_TOKEN", result.Error, StringComparison.Ordinal);
        Assert.Contains("WANDB_API_KEY", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("should-not-run", result.Output, StringComparison.Ordinal);
        Assert.Equal(0, (await _sandbox.RunsAsync()).GetArrayLength());
    }

    [Fact]
    public async Task Run_UnmeetableGpu_FailsBeforeRunningNamingTheRequirement()
    {
        _sandbox.Write(".dstack.yml", "type: task\ncommands:\n  - echo should-not-run\nresources:\n  gpu: H100:80GB:8\n");

        var result = await _sandbox.RunAsync("run", "-y");

        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains("DSTK3004", result.Error, StringComparison.Ordinal);
        Assert.Contains("gpu: needs", result.Error, StringComparison.Ordinal);
        Assert.Contains("H100", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, (await _sandbox.RunsAsync()).GetArrayLength());
    }

    [Fact]
    public async Task Run_ImageWithoutDockerEngine_FailsWithAClearMessage()
    {
        _sandbox.Write(".dstack.yml", "type: task\nimage: ubuntu:24.04\ncommands:\n  - echo hi\n");
        _sandbox.Environment["DOCKER_HOST"] = $"unix://{Path.Combine(_sandbox.Home, "no-docker.sock")}";

        var result = await _sandbox.RunAsync("run", "-y");

        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains("DSTK3003", result.Error, StringComparison.Ordinal);
        Assert.Contains("Docker", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_PythonVersionTheMachineLacks_SaysWhatItFound()
    {
        _sandbox.Write(".dstack.yml", "type: task\npython: \"3.9\"\ncommands:\n  - python --version\n");
        _sandbox.Environment["PATH"] = "/usr/bin:/bin";

        var result = await _sandbox.RunAsync("run", "-y");

        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains("DSTK3002", result.Error, StringComparison.Ordinal);
        Assert.Contains("3.9", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_DryRun_PrintsThePlanAndStartsNothing()
    {
        _sandbox.Write(".dstack.yml", "type: task\nname: planned\ncommands:\n  - echo should-not-run\n");

        var result = await _sandbox.RunAsync("run", "--dry-run");

        Assert.True(result.Code == 0, result.ToString());
        foreach (var column in new[] { "RUN", "CONFIGURATION", "USER", "PROJECT", "INSTANCE", "RESOURCES", "SPOT", "PRICE" })
        {
            Assert.Contains(column, result.Output, StringComparison.Ordinal);
        }

        Assert.Contains("planned", result.Output, StringComparison.Ordinal);
        Assert.Contains("$0", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("should-not-run", result.Output, StringComparison.Ordinal);
        Assert.Equal(0, (await _sandbox.RunsAsync()).GetArrayLength());
    }

    [Fact]
    public async Task Run_WebApp_IsReachableThroughTheMappedLocalPort_AndCtrlCLeavesNothing()
    {
        var container = Loopback.FreePort();
        var local = Loopback.FreePort();
        _sandbox.Write("index.html", "hello from the job");
        _sandbox.Write(".dstack.yml", $"type: task\nname: web\nports:\n  - \"{local}:{container}\"\ncommands:\n  - echo \"Serving on http://0.0.0.0:{container}/\"\n  - exec python3 -m http.server {container} --bind 127.0.0.1\n");

        var run = _sandbox.Start("run", "-y");
        await run.WaitForTextAsync($"http://localhost:{local}/", TimeSpan.FromSeconds(30));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var body = await Loopback.GetWithRetriesAsync(http, $"http://127.0.0.1:{local}/index.html");
        Assert.Equal("hello from the job", body);

        run.Interrupt();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(result.Code == 130, result.ToString());
        Assert.Empty(await _sandbox.WaitForNoJobProcessesAsync("web", TimeSpan.FromSeconds(10)));
        Assert.False(Loopback.IsListening(local), $"local port {local} is still open");
        Assert.False(Loopback.IsListening(container), $"container port {container} is still open");
        var record = await _sandbox.RunRecordAsync("web");
        Assert.Equal("terminated", record.GetProperty("status").GetString());
        Assert.False(Directory.Exists(Path.Combine(_sandbox.Home, "runs", "web", "code")));
    }

    [Fact]
    public async Task Run_TwoNodes_RanksTalkOverTheMasterAddress()
    {
        var port = Loopback.FreePort();
        _sandbox.Write("node.py", $$"""
            import os, socket, time
            rank = int(os.environ["DSTACK_NODE_RANK"])
            master = os.environ["DSTACK_MASTER_NODE_IP"]
            if rank == 0:
                server = socket.create_server((master, {{port}}))
                connection, _ = server.accept()
                print("master got:", connection.recv(100).decode(), flush=True)
            else:
                for attempt in range(200):
                    try:
                        client = socket.create_connection((master, {{port}}))
                        break
                    except OSError:
                        time.sleep(0.05)
                client.sendall(f"hello from rank {rank} of {os.environ['DSTACK_NODES_NUM']}".encode())
                print("worker sent", flush=True)
            """);
        _sandbox.Write(".dstack.yml", "type: task\nname: pair\nnodes: 2\ncommands:\n  - python3 node.py\n");

        var result = await _sandbox.RunAsync("run", "-y");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("[0] master got: hello from rank 1 of 2", result.Output, StringComparison.Ordinal);
        Assert.Contains("[1] worker sent", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_TwoNodesOneFails_TheOtherIsStoppedToo()
    {
        _sandbox.Write(".dstack.yml", "type: task\nname: halfbroken\nnodes: 2\nstop_duration: 5s\ncommands:\n  - if [ \"$DSTACK_NODE_RANK\" = 1 ]; then exit 3; fi\n  - sleep 300\n");

        var result = await _sandbox.RunAsync("run", "-y");

        Assert.True(result.Code == 3, result.ToString());
        Assert.Empty(await _sandbox.WaitForNoJobProcessesAsync("halfbroken", TimeSpan.FromSeconds(10)));
        var jobs = (await _sandbox.RunRecordAsync("halfbroken")).GetProperty("jobs").EnumerateArray().ToList();
        Assert.Equal(["terminated", "failed"], jobs.Select(j => j.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Run_Detached_KeepsGoing_LogsPsAndStopWorkFromOtherProcesses()
    {
        _sandbox.Write(".dstack.yml", "type: task\nname: background\ncommands:\n  - echo started\n  - sleep 300\n");

        var submitted = await _sandbox.RunAsync("run", "-y", "-d");
        Assert.True(submitted.Code == 0, submitted.ToString());

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        string logs;
        do
        {
            logs = (await _sandbox.RunAsync("logs", "background")).Output;
            await Task.Delay(100);
        }
        while (!logs.Contains("started", StringComparison.Ordinal) && DateTime.UtcNow < deadline);
        Assert.Contains("started", logs, StringComparison.Ordinal);

        var ps = await _sandbox.RunAsync("ps");
        Assert.Contains("background", ps.Output, StringComparison.Ordinal);
        Assert.Contains("running", ps.Output, StringComparison.Ordinal);
        Assert.NotEmpty(_sandbox.JobProcesses("background"));

        var stop = await _sandbox.RunAsync("stop", "background", "-y");

        Assert.True(stop.Code == 0, stop.ToString());
        Assert.Empty(_sandbox.JobProcesses("background"));
        var record = await _sandbox.RunRecordAsync("background");
        Assert.Equal("terminated", record.GetProperty("status").GetString());
        Assert.Equal("stopped_by_user", record.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Run_TwoAtOnceWithConcurrentPs_BothCompleteWithDistinctNames()
    {
        _sandbox.Write(".dstack.yml", "type: task\ncommands:\n  - echo \"I am $DSTACK_RUN_NAME\"\n  - sleep 1\n");

        var first = _sandbox.Start("run", "-y");
        var second = _sandbox.Start("run", "-y");
        var listings = new List<DstackResult>();
        for (var i = 0; i < 5; i++)
        {
            listings.Add(await _sandbox.RunAsync("ps", "-a", "--json"));
        }

        var results = new[] { await first.WaitAsync(TimeSpan.FromSeconds(60)), await second.WaitAsync(TimeSpan.FromSeconds(60)) };

        Assert.All(results, r => Assert.True(r.Code == 0, r.ToString()));
        Assert.All(listings, l => Assert.True(l.Code == 0 && JsonDocument.Parse(l.Output).RootElement.GetProperty("runs").ValueKind == JsonValueKind.Array, l.ToString()));
        var runs = (await _sandbox.RunsAsync()).EnumerateArray().ToList();
        Assert.Equal(2, runs.Count);
        Assert.All(runs, r => Assert.Equal("done", r.GetProperty("status").GetString()));
        Assert.NotEqual(runs[0].GetProperty("name").GetString(), runs[1].GetProperty("name").GetString());
        Assert.Contains($"I am {runs[0].GetProperty("name").GetString()}", results[0].Output + results[1].Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MaxDuration_StopsTheRunWithAStatusThatSaysWhy()
    {
        _sandbox.Write(".dstack.yml", "type: task\nname: slow\nmax_duration: 1s\nstop_duration: 5s\ncommands:\n  - sleep 300\n");

        var result = await _sandbox.RunAsync("run", "-y");

        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains("max_duration", result.Error, StringComparison.Ordinal);
        var record = await _sandbox.RunRecordAsync("slow");
        Assert.Equal("terminated", record.GetProperty("status").GetString());
        Assert.Equal("max_duration_exceeded", record.GetProperty("reason").GetString());
        Assert.Empty(_sandbox.JobProcesses("slow"));
    }

    [Fact]
    public async Task Run_RetryOnError_RunsAgainUntilItSucceeds()
    {
        var marker = Path.Combine(_sandbox.Home, "attempts");
        _sandbox.Write(".dstack.yml", $"type: task\nname: flaky\nretry:\n  on_events: [error]\n  duration: 1m\ncommands:\n  - echo x >> {marker}\n  - test $(wc -l < {marker}) -ge 2\n");

        var result = await _sandbox.RunAsync("run", "-y");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("retrying", result.Error, StringComparison.Ordinal);
        var record = await _sandbox.RunRecordAsync("flaky");
        Assert.Equal("done", record.GetProperty("status").GetString());
        Assert.Equal(2, record.GetProperty("attempt").GetInt32());
    }

    [Fact]
    public async Task Build_IsReusedUntilTheBuildCommandsChange()
    {
        var counter = Path.Combine(_sandbox.Home, "builds-run");
        _sandbox.Write(".dstack.yml", $"type: task\nbuild:\n  - echo b >> {counter}\n  - mkdir -p deps && echo installed > deps/lib.txt\ncommands:\n  - cat deps/lib.txt\n");

        var first = await _sandbox.RunAsync("run", "-y");
        var second = await _sandbox.RunAsync("run", "-y");
        _sandbox.Write(".dstack.yml", $"type: task\nbuild:\n  - echo b >> {counter}\n  - mkdir -p deps && echo reinstalled > deps/lib.txt\ncommands:\n  - cat deps/lib.txt\n");
        var third = await _sandbox.RunAsync("run", "-y");

        Assert.True(first.Code == 0 && second.Code == 0 && third.Code == 0, $"{first}\n{second}\n{third}");
        Assert.Contains("installed", second.Output, StringComparison.Ordinal);
        Assert.Contains("using the environment built", second.Error, StringComparison.Ordinal);
        Assert.Contains("reinstalled", third.Output, StringComparison.Ordinal);
        Assert.Equal(2, File.ReadAllLines(counter).Length);
    }

    [Fact]
    public async Task Run_BusyLocalPort_IsReportedBeforeAnythingStarts()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port;
        _sandbox.Write(".dstack.yml", $"type: task\nports:\n  - \"{port}:{Loopback.FreePort()}\"\ncommands:\n  - echo should-not-run\n");

        var result = await _sandbox.RunAsync("run", "-y");

        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains("DSTK3005", result.Error, StringComparison.Ordinal);
        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Error, StringComparison.Ordinal);
        Assert.Equal(0, (await _sandbox.RunsAsync()).GetArrayLength());
    }
}

[CollectionDefinition(Name)]
public sealed class RunCollection
{
    public const string Name = "runs";
}
