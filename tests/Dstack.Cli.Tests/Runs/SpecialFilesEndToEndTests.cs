using System.Diagnostics;
using System.Net.Sockets;

namespace Dstack.Cli.Tests.Runs;

/// <summary>
/// <c>dstack run</c> through the real program with a real FIFO and unix socket in the project folder (no git): the
/// run completes (a FIFO opened by the copy would wait for good), the job's working copy has neither, and the log
/// names them once; with <c>--reload</c>, a FIFO made while the job runs is skipped and the run still stops; and
/// <c>$DSTACK_HOME</c> inside the project is left out of the working copy.
/// </summary>
[Collection(RunCollection.Name)]
public sealed class SpecialFilesEndToEndTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private readonly DstackSandbox _sandbox = new();
    private readonly List<Socket> _sockets = [];

    public void Dispose()
    {
        _sandbox.Dispose();
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
    }

    [Fact]
    public async Task Run_FifoAndSocketInTheProject_CompletesWithoutThemAndNamesThemOnce()
    {
        _sandbox.Write("main.py", "print('hi')\n");
        _sandbox.Write(".dstack.yml", "type: task\nname: specials\ncommands:\n  - ls -a\n  - echo listed\n");
        MakeFifo("pipe");
        BindSocket("sock");

        var result = await _sandbox.Start("run", "-y").WaitAsync(Limit);

        Assert.True(result.Code == 0, result.ToString());
        var all = result.Output + result.Error;
        Assert.Contains("main.py\n", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("pipe\n", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("sock\n", result.Output, StringComparison.Ordinal);
        const string Named = "skipped 2 special files: pipe (FIFO), sock (socket)";
        Assert.True(all.IndexOf(Named, StringComparison.Ordinal) >= 0 && all.IndexOf(Named, StringComparison.Ordinal) == all.LastIndexOf(Named, StringComparison.Ordinal), result.ToString());
        var logs = await _sandbox.RunAsync("logs", "specials");
        Assert.Contains(Named, logs.Output + logs.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reload_FifoMadeWhileTheJobRuns_IsSkippedAndTheRunStops()
    {
        // Bounded: 150 passes of 0.2 s, so a run the test failed to stop ends by itself within ~30 s.
        _sandbox.Write(".dstack.yml", "type: task\nname: live-fifo\ncommands:\n  - for i in $(seq 1 150); do cat message.txt 2>/dev/null; sleep 0.2; done\n");
        var submitted = await _sandbox.RunAsync("run", "-y", "-d", "--reload");
        Assert.True(submitted.Code == 0, submitted.ToString());
        _sandbox.Write("message.txt", "first-version\n");
        await _sandbox.WaitForLogsAsync("live-fifo", "first-version", Limit);

        MakeFifo("pipe");
        await _sandbox.WaitForLogsAsync("live-fifo", "--reload: skipped 1 special file: pipe (FIFO)", Limit);
        _sandbox.Write("message.txt", "second-version\n");
        await _sandbox.WaitForLogsAsync("live-fifo", "second-version", Limit);

        var stop = await _sandbox.RunAsync("stop", "live-fifo", "-y");
        Assert.True(stop.Code == 0, stop.ToString());
        Assert.Empty(await _sandbox.WaitForNoJobProcessesAsync("live-fifo", TimeSpan.FromSeconds(10)));
        var run = await WaitForEndAsync("live-fifo");
        Assert.Equal("terminated", run);
    }

    [Fact]
    public async Task Run_DstackHomeInsideTheProject_IsLeftOutOfTheWorkingCopy()
    {
        var home = Path.Combine(_sandbox.Project, ".dstack-home");
        _sandbox.Environment["DSTACK_HOME"] = home;
        _sandbox.Write(".dstack-home/runs/older/logs/job-0.log", "another run's log\n");
        _sandbox.Write("main.py", "print('hi')\n");
        _sandbox.Write(".dstack.yml", "type: task\nname: homeless\ncommands:\n  - ls -a\n");

        var result = await _sandbox.Start("run", "-y").WaitAsync(Limit);

        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("main.py\n", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(".dstack-home", result.Output, StringComparison.Ordinal);
        Assert.Contains($"left out the folder .dstack-home of the code: it is $DSTACK_HOME ({home})", result.Output + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_CommandsThatMakeAFifoAndASocket_CompleteAndTheRunReusesTheRest()
    {
        _sandbox.Write(".dstack.yml", "type: task\nbuild:\n  - mkfifo build.fifo\n  - python3 -c \"import socket; socket.socket(socket.AF_UNIX).bind('build.sock')\"\n  - mkdir -p deps && echo installed > deps/lib.txt\ncommands:\n  - echo \"job sees $(cat deps/lib.txt)\"\n  - ls\n");

        var build = await _sandbox.Start("build", "-y").WaitAsync(Limit);

        Assert.True(build.Code == 0, build.ToString());
        var reuse = await _sandbox.Start("run", "-y").WaitAsync(Limit);
        Assert.True(reuse.Code == 0, reuse.ToString());
        Assert.Contains("using the environment built", reuse.Error, StringComparison.Ordinal);
        Assert.Contains("job sees installed\n", reuse.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("build.fifo", reuse.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("build.sock", reuse.Output, StringComparison.Ordinal);
    }

    private async Task<string?> WaitForEndAsync(string name)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (true)
        {
            var status = (await _sandbox.RunRecordAsync(name)).GetProperty("status").GetString();
            if (status is not ("running" or "provisioning" or "submitted" or "terminating") || DateTime.UtcNow > deadline)
            {
                return status;
            }

            await Task.Delay(100);
        }
    }

    private void MakeFifo(string relative)
    {
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [Path.Combine(_sandbox.Project, relative)]) { UseShellExecute = false })!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    private void BindSocket(string relative)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _sockets.Add(socket);
        socket.Bind(new UnixDomainSocketEndPoint(Path.Combine(_sandbox.Project, relative)));
    }
}
