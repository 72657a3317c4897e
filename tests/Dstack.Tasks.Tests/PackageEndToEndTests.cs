using System.Net;
using System.Net.Sockets;

namespace Dstack.Tasks.Tests;

/// <summary>
/// The package as users get it: <c>dotnet pack</c> of src/Dstack.Tasks (once, by the fixture), a console app with
/// only a PackageReference to it, and real <c>dotnet build -t:...</c> processes whose output is redirected (so MSBuild
/// uses its classic console logger, as in CI), each project with a DSTACK_HOME of its own.
/// </summary>
public sealed class PackageEndToEndTests(PackedTasksFixture package) : IClassFixture<PackedTasksFixture>
{
    private static readonly TimeSpan JobStartLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task DstackValidate_TwoBrokenFiles_FailsWithTheirCanonicalErrorLines()
    {
        using var project = new PackageConsumer(package);
        var range = project.Write("bad.dstack.yml", "type: task\ncommands:\n  - echo hi\nresources:\n  memory: 80GB..40GB\n");
        var typo = project.Write("deploy/typo.dstack.yml", "type: task\nnme: x\ncommands:\n  - echo hi\n");

        var build = await project.BuildAsync("-t:DstackValidate");

        Assert.True(build.ExitCode != 0, build.Output);
        AssertClassicLogger(build, succeeded: false);
        Assert.Contains($"{range}(5,11): error DSTK2003: resources.memory: Invalid range order: 80GB..40GB; the minimum comes first: write 40GB..80GB [{project.ProjectFile}]", build.Lines);
        Assert.Contains($"{typo}(2,1): error DSTK1010: unknown property `nme` for `type: task`; did you mean `name`? [{project.ProjectFile}]", build.Lines);
        Assert.Contains("    2 Error(s)", build.Lines);
    }

    [Fact]
    public async Task DstackRun_MultiTargetedApp_BuildsBothFrameworksAndRunsOnceWithTheJobOutputInOrder()
    {
        using var project = new PackageConsumer(package, "net10.0;net8.0", "<DstackRunDependsOn>Build</DstackRunDependsOn>");
        // The job runs what the build made, for each framework (net8.0 rolled forward onto the runtime that is installed).
        project.Write(".dstack.yml", """
            type: task
            name: hello
            commands:
              - echo job starts
              - '"$DOTNET_HOST_PATH" bin/Debug/net10.0/app.dll'
              - 'DOTNET_ROLL_FORWARD=Major "$DOTNET_HOST_PATH" bin/Debug/net8.0/app.dll'
              - echo job ends
            """);

        // Build's inner builds, one per framework, run in an MSBuild worker node that MSBuild keeps for reuse after the
        // build (any multi-targeted build does, with or without dstack; DstackRun itself runs in the entry process).
        // Turned off here only so that the test leaves no process behind.
        var build = await project.BuildAsync(new Dictionary<string, string?> { ["MSBUILDDISABLENODEREUSE"] = "1" }, "-t:DstackRun");

        Assert.True(build.ExitCode == 0, build.Output);
        AssertClassicLogger(build, succeeded: true);
        Assert.Single(build.Lines, l => l.Trim() == $"app -> {Path.Combine(project.ProjectFolder, "bin", "Debug", "net10.0", "app.dll")}");
        Assert.Single(build.Lines, l => l.Trim() == $"app -> {Path.Combine(project.ProjectFolder, "bin", "Debug", "net8.0", "app.dll")}");
        Assert.Single(build.Lines, l => l.Trim() == "hello submitted; following its logs.");
        string[] jobLines = ["job starts", "app built for net10.0 says hello", "app built for net8.0 says hello", "job ends"];
        var positions = jobLines.Select(expected => IndexOfOnly(build, expected)).ToList();
        Assert.True(positions.SequenceEqual(positions.Order()), $"the job's lines are out of order ({string.Join(", ", positions)}):\n{build.Output}");
        Assert.Equal([("hello", "done")], await project.RunsAsync());
        // Not every process: the compiler server this build may have started stays, as it does for any build.
        await WaitUntilAsync(() => project.DstackProcesses().Count == 0, "dstack's processes to end", () => string.Join('\n', project.DstackProcesses()));
    }

    [Fact]
    public async Task DstackRun_JobExitsWith3_FailsTheBuildWithDstk3018NamingTheRun()
    {
        using var project = new PackageConsumer(package);
        var configuration = project.Write(".dstack.yml", "type: task\nname: boom\ncommands:\n  - echo about to fail\n  - exit 3\n");

        var build = await project.BuildAsync("-t:DstackRun");

        Assert.True(build.ExitCode != 0, build.Output);
        AssertClassicLogger(build, succeeded: false);
        var error = $"{configuration} : error DSTK3018: the run boom failed: exited with code 3; dstack logs boom shows its output [{project.ProjectFile}]";
        Assert.Contains(error, build.Lines);
        Assert.True(IndexOfOnly(build, "about to fail") < build.Lines.ToList().IndexOf(error), build.Output);
        Assert.Contains("    1 Error(s)", build.Lines);
        Assert.Equal([("boom", "failed")], await project.RunsAsync());
        await WaitForNoProcessUsingHomeAsync(project);
    }

    [Fact]
    public async Task DstackRun_CtrlC_StopsTheRunAndLeavesNothingBehind()
    {
        using var project = new PackageConsumer(package);
        var (localPort, jobPort) = FreeLoopbackPorts();
        var pidFile = project.Outside("job.pid");
        // $$$$ is the shell's $$ (dstack reads $$ as a literal $); exec keeps that process id for the server.
        project.Write(".dstack.yml", $"""
            type: task
            name: web
            commands:
              - echo $$$$ > {pidFile}
              - exec python3 -m http.server {jobPort} --bind 127.0.0.1
            """);

        // Its own process group, as a build started from a terminal: Ctrl+C reaches the build and the dstack CLI.
        var build = project.StartBuild(newSession: true, new Dictionary<string, string?>(), "-t:DstackRun", $"-p:DstackPorts={localPort}:{jobPort}");
        await build.WaitForLineAsync(l => l.Trim() == $"http://127.0.0.1:{localPort} -> {jobPort}", "the forwarded port's URL", JobStartLimit);
        var jobPid = await WaitForPidAsync(pidFile);
        await WaitForHttpAsync(localPort, build);

        build.Interrupt();
        await build.WaitForExitAsync(StopLimit);

        Assert.True(build.ExitCode != 0, build.Output);
        Assert.Contains("Build FAILED.", build.Lines);
        await WaitUntilAsync(() => !Directory.Exists($"/proc/{jobPid}"), $"the job (pid {jobPid}) to end");
        await WaitForNoProcessUsingHomeAsync(project);
        await WaitUntilAsync(() => !Listens(localPort), $"port {localPort} to close");
        Assert.False(Listens(jobPort), $"the job's port {jobPort} still listens");
        Assert.Equal([("web", "terminated")], await project.RunsAsync());
    }

    [Fact]
    public async Task DstackOffers_PrintsThePlanAndStartsNothing()
    {
        using var project = new PackageConsumer(package);
        project.Write(".dstack.yml", "type: task\nname: planned\ncommands:\n  - echo the job ran\n");

        var build = await project.BuildAsync("-t:DstackOffers");

        Assert.True(build.ExitCode == 0, build.Output);
        AssertClassicLogger(build, succeeded: true);
        Assert.Single(build.Lines, l => l.TrimStart().StartsWith("planned ", StringComparison.Ordinal) && l.Contains(".dstack.yml", StringComparison.Ordinal) && l.Contains(" local (", StringComparison.Ordinal));
        Assert.Single(build.Lines, l => l.Trim().StartsWith("Backend ", StringComparison.Ordinal) && l.Trim().EndsWith(" local (this machine)", StringComparison.Ordinal));
        Assert.DoesNotContain(build.Lines, l => l.Contains("submitted", StringComparison.Ordinal) || l.Contains("the job ran", StringComparison.Ordinal));
        Assert.Empty(await project.RunsAsync());
        Assert.Empty(project.ProcessesUsingHome());
    }

    [Fact]
    public async Task DstackRun_Detached_KeepsRunningUntilDstackStop()
    {
        using var project = new PackageConsumer(package);
        var pidFile = project.Outside("job.pid");
        project.Write(".dstack.yml", $"type: task\nname: sleeper\ncommands:\n  - echo $$$$ > {pidFile}\n  - exec sleep 300\n");

        var run = await project.BuildAsync("-t:DstackRun", "-p:DstackDetach=true");

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Single(run.Lines, l => l.Trim() == "sleeper submitted and running in the background: dstack ps | dstack logs sleeper -f | dstack attach sleeper | dstack stop sleeper");
        var jobPid = await WaitForPidAsync(pidFile);
        Assert.True(Directory.Exists($"/proc/{jobPid}"), "the detached job is not running");
        // The job starts a moment before the controller records the run as running.
        await WaitForRunsAsync(project, ("sleeper", "running"));

        var stop = await project.BuildAsync("-t:DstackStop");

        Assert.True(stop.ExitCode == 0, stop.Output);
        Assert.Single(stop.Lines, l => l.Trim() == "sleeper terminated.");
        await WaitUntilAsync(() => !Directory.Exists($"/proc/{jobPid}"), $"the job (pid {jobPid}) to end");
        await WaitForNoProcessUsingHomeAsync(project);
        Assert.Equal([("sleeper", "terminated")], await project.RunsAsync());
    }

    /// <summary>Output redirected, so no terminal logger: every message shows as it comes, and the summary is the classic one.</summary>
    private static void AssertClassicLogger(ConsumerBuild build, bool succeeded)
    {
        Assert.Contains(succeeded ? "Build succeeded." : "Build FAILED.", build.Lines);
        Assert.Contains(build.Lines, l => l.StartsWith("Time Elapsed ", StringComparison.Ordinal));
        Assert.DoesNotContain("DSTK0007", build.Output, StringComparison.Ordinal);
    }

    /// <summary>The index of the one output line that is <paramref name="text"/> (trimmed); fails when there is none or more.</summary>
    private static int IndexOfOnly(ConsumerBuild build, string text)
    {
        var lines = build.Lines;
        var indexes = Enumerable.Range(0, lines.Count).Where(i => lines[i].Trim() == text).ToList();
        Assert.True(indexes.Count == 1, $"'{text}' appears {indexes.Count} times, not once:\n{build.Output}");
        return indexes[0];
    }

    private static (int Local, int Job) FreeLoopbackPorts()
    {
        var first = new TcpListener(IPAddress.Loopback, 0);
        var second = new TcpListener(IPAddress.Loopback, 0);
        first.Start();
        second.Start();
        var ports = (((IPEndPoint)first.LocalEndpoint).Port, ((IPEndPoint)second.LocalEndpoint).Port);
        first.Stop();
        second.Stop();
        return ports;
    }

    private static bool Listens(int port)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task<int> WaitForPidAsync(string pidFile)
    {
        var pid = 0;
        await WaitUntilAsync(() => File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out pid), $"the job to write {pidFile}", limit: JobStartLimit);
        return pid;
    }

    private static async Task WaitForHttpAsync(int port, ConsumerBuild build)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + JobStartLimit;
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/"));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Assert.True(DateTime.UtcNow < deadline, $"http://127.0.0.1:{port}/ did not answer within {JobStartLimit.TotalSeconds} s ({e.Message}):\n{build.Output}");
                await Task.Delay(100);
            }
        }
    }

    private static async Task WaitForRunsAsync(PackageConsumer project, params (string Name, string Status)[] expected)
    {
        var deadline = DateTime.UtcNow + StopLimit;
        IReadOnlyList<(string Name, string Status)> runs;
        while (!(runs = await project.RunsAsync()).SequenceEqual(expected))
        {
            Assert.True(DateTime.UtcNow < deadline, $"dstack ps shows [{string.Join(", ", runs)}], not [{string.Join(", ", expected)}], after {StopLimit.TotalSeconds} s");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Waits until no process has this project's DSTACK_HOME: not the CLI, its controller or a job, and no MSBuild node
    /// either (builds that compile nothing run in the entry process, so node reuse leaves none behind).
    /// </summary>
    private static Task WaitForNoProcessUsingHomeAsync(PackageConsumer project) =>
        WaitUntilAsync(() => project.ProcessesUsingHome().Count == 0, "the processes of this DSTACK_HOME to end", () => string.Join('\n', project.ProcessesUsingHome()));

    private static async Task WaitUntilAsync(Func<bool> condition, string what, Func<string>? details = null, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? StopLimit);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}. {details?.Invoke()}");
            await Task.Delay(50);
        }
    }
}
