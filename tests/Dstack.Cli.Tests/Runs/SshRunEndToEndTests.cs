using System.Diagnostics;
using System.Net.Sockets;
using Dstack.Runtime.Tests.Ssh;

namespace Dstack.Cli.Tests.Runs;

/// <summary>
/// <c>dstack run</c> on SSH hosts through the real program and a real sshd on 127.0.0.1 (two pool names for the same
/// server make two hosts): output, exit code, env, nodes, stop, busy and unreachable hosts, and that nothing is left on
/// the host.
/// </summary>
[Collection(RunCollection.Name)]
public sealed class SshRunEndToEndTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private readonly DstackSandbox _sandbox = new();

    /// <summary>When the test began: a host folder older than this was left by an earlier test session (RemoteRunFolders).</summary>
    private readonly DateTime _started = DateTime.UtcNow;

    private readonly LoopbackSshd _sshd = new();

    public SshRunEndToEndTests()
    {
        WritePool(("lo", "127.0.0.1", _sshd.Port), ("lo2", "localhost", _sshd.Port));
    }

    public void Dispose()
    {
        _sandbox.Dispose();
        _sshd.Dispose();
    }

    [Fact]
    public async Task Run_OnAnSshHost_StreamsOutput_ReturnsTheExitCode_PassesEnv_AndCleansTheHost()
    {
        _sandbox.Write("data/input.txt", "from the code folder\n");
        _sandbox.Write(".dstack.yml", "type: task\nname: remote\nenv:\n  - GREETING=hi there\n  - TOKEN\ncommands:\n  - echo \"$GREETING rank=$DSTACK_NODE_RANK run=$DSTACK_RUN_NAME\"\n  - cat data/input.txt\n  - echo \"token=$TOKEN\"\n  - echo to-stderr >&2\n  - exit 4\n");
        _sandbox.Environment["TOKEN"] = "s3cr3t-value";

        var result = await _sandbox.RunAsync("run", "-b", "ssh", "-y");

        Assert.True(result.Code == 4, result.ToString());
        Assert.Contains("hi there rank=0 run=remote\n", result.Output, StringComparison.Ordinal);
        Assert.Contains("from the code folder\n", result.Output, StringComparison.Ordinal);
        Assert.Contains("to-stderr\n", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-value", result.Output + result.Error, StringComparison.Ordinal);
        Assert.Contains("uploaded to lo", result.Error, StringComparison.Ordinal);
        var run = await _sandbox.RunRecordAsync("remote");
        Assert.Equal("failed", run.GetProperty("status").GetString());
        Assert.Equal(4, run.GetProperty("exit_code").GetInt32());
        Assert.Equal("ssh (lo)", run.GetProperty("backend").GetString());
        Assert.Empty(RemoteRunFolders.Of("remote", _started));
    }

    [Fact]
    public async Task Run_FifoAndSocketInTheProject_UploadsTheRestWithoutThemAndNamesThemOnce()
    {
        _sandbox.Write("main.py", "print('hi')\n");
        _sandbox.Write(".dstack.yml", "type: task\nname: remote-specials\ncommands:\n  - ls -a\n");
        using (var mkfifo = Process.Start("mkfifo", [Path.Combine(_sandbox.Project, "pipe")]))
        {
            await mkfifo.WaitForExitAsync();
        }

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(Path.Combine(_sandbox.Project, "sock")));

        var result = await _sandbox.Start("run", "-b", "ssh", "-y").WaitAsync(Limit);

        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("main.py\n", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("pipe\n", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("sock\n", result.Output, StringComparison.Ordinal);
        var all = result.Output + result.Error;
        const string Named = "skipped 2 special files: pipe (FIFO), sock (socket)";
        Assert.True(all.Contains(Named, StringComparison.Ordinal) && all.IndexOf(Named, StringComparison.Ordinal) == all.LastIndexOf(Named, StringComparison.Ordinal), result.ToString());
        Assert.Empty(RemoteRunFolders.Of("remote-specials", _started));
    }

    [Fact]
    public async Task Run_SecretWrittenInTwoPiecesWithAPauseOnTheHost_IsMaskedInTheTerminalAndInLogs()
    {
        _sandbox.Write(".dstack.yml", "type: task\nname: pieces\nenv:\n  - TOKEN\ncommands:\n  - printf 'token=%s' \"${TOKEN%%-*}\"; sleep 0.3; printf -- '-%s done\\n' \"${TOKEN#*-}\"\n");
        _sandbox.Environment["TOKEN"] = "s3cr3t-token-value";

        var run = await _sandbox.RunAsync("run", "-b", "ssh", "-y");
        var logs = await _sandbox.RunAsync("logs", "pieces");

        Assert.True(run.Code == 0, run.ToString());
        Assert.False(run.ToString().Contains("s3cr3t-token-value", StringComparison.Ordinal), run.ToString());
        Assert.Contains("token=*** done\n", run.Output, StringComparison.Ordinal);
        Assert.False(logs.ToString().Contains("s3cr3t-token-value", StringComparison.Ordinal), logs.ToString());
        Assert.Contains("token=*** done\n", logs.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_TwoNodes_OneJobPerHost_WithRanksAndTheMasterAddress()
    {
        _sandbox.Write(".dstack.yml", "type: task\nname: pair\nnodes: 2\ncommands:\n  - echo \"rank=$DSTACK_NODE_RANK nodes=$DSTACK_NODES_NUM master=$DSTACK_MASTER_NODE_IP ips=$(echo $DSTACK_NODES_IPS)\"\n");

        var result = await _sandbox.RunAsync("run", "-b", "ssh", "-y");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("[0] rank=0 nodes=2 master=127.0.0.1 ips=127.0.0.1 127.0.0.1\n", result.Output, StringComparison.Ordinal);
        Assert.Matches(@"\[1\] rank=1 nodes=2 master=127\.0\.0\.1 ips=127\.0\.0\.1 (127\.0\.0\.1|::1)\n", result.Output);
        Assert.Equal("ssh (lo, lo2)", (await _sandbox.RunRecordAsync("pair")).GetProperty("backend").GetString());
    }

    [Fact]
    public async Task Stop_ADetachedRunOnAHost_EndsItsProcessesThereAndRemovesItsFolder()
    {
        var marker = "sshstop-" + Guid.NewGuid().ToString("N")[..8];
        _sandbox.Write(".dstack.yml", $"type: task\nname: longrun\ncommands:\n  - echo started-{marker}\n  - sleep 300\n  - echo never-{marker}\n");

        var submit = await _sandbox.RunAsync("run", "-b", "ssh", "-y", "-d");
        Assert.True(submit.Code == 0, submit.ToString());
        await _sandbox.WaitForLogsAsync("longrun", "started-" + marker, Limit);
        Assert.NotEmpty(ProcessesWith(marker));

        var stop = await _sandbox.RunAsync("stop", "longrun");

        Assert.True(stop.Code == 0, stop.ToString());
        Assert.Equal("terminated", (await _sandbox.RunRecordAsync("longrun")).GetProperty("status").GetString());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (ProcessesWith(marker).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Empty(ProcessesWith(marker));
        Assert.Empty(RemoteRunFolders.Of("longrun", _started));
    }

    [Fact]
    public async Task Stop_ARunOnAHost_EndsWhatTheJobDetachedThere_SetsidDoubleForkAndNohup()
    {
        var marker = "sshdetach-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            _sandbox.Write(".dstack.yml", $"type: task\nname: sshdetacher\ncommands:\n{DetachedProcesses.Commands(marker)}  - echo ready\n  - sleep 300\n");
            var submit = await _sandbox.RunAsync("run", "-b", "ssh", "-y", "-d");
            Assert.True(submit.Code == 0, submit.ToString());
            await _sandbox.WaitForLogsAsync("sshdetacher", "ready", Limit);
            Assert.True(await DetachedProcesses.WaitUntilAsync(() => DetachedProcesses.Find(marker).Count == 3, Limit), $"expected 3 detached processes on the host, saw {DetachedProcesses.Find(marker).Count}");

            var stop = await _sandbox.RunAsync("stop", "sshdetacher", "-y");

            Assert.True(stop.Code == 0, stop.ToString());
            Assert.Equal("terminated", (await _sandbox.RunRecordAsync("sshdetacher")).GetProperty("status").GetString());
            Assert.True(await DetachedProcesses.WaitUntilAsync(() => DetachedProcesses.Find(marker).Count == 0, TimeSpan.FromSeconds(10)), $"left running on the host after dstack stop: {string.Join(", ", DetachedProcesses.Find(marker))}");
            Assert.Empty(RemoteRunFolders.Of("sshdetacher", _started));
        }
        finally
        {
            DetachedProcesses.Kill(marker);
        }
    }

    [Fact]
    public async Task Run_OnAHost_WhatTheJobDetachedEndsWithTheJob()
    {
        var marker = "sshleaver-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            _sandbox.Write(".dstack.yml", $"type: task\nname: sshleaver\ncommands:\n{DetachedProcesses.Commands(marker)}  - sleep 0.5\n  - echo parent-done\n");

            var result = await _sandbox.RunAsync("run", "-b", "ssh", "-y");

            Assert.True(result.Code == 0, result.ToString());
            Assert.Contains("parent-done", result.Output, StringComparison.Ordinal);
            Assert.True(await DetachedProcesses.WaitUntilAsync(() => DetachedProcesses.Find(marker).Count == 0, TimeSpan.FromSeconds(10)), $"left running on the host after the job ended: {string.Join(", ", DetachedProcesses.Find(marker))}");
            Assert.Equal("done", (await _sandbox.RunRecordAsync("sshleaver")).GetProperty("status").GetString());
        }
        finally
        {
            DetachedProcesses.Kill(marker);
        }
    }

    [Fact]
    public async Task Plan_ABusyHostIsNotOfferedTwice_AndTheReasonIsGiven()
    {
        WritePool(("lo", "127.0.0.1", _sshd.Port));
        _sandbox.Write("a.dstack.yml", "type: task\nname: first\ncommands:\n  - sleep 300\n");
        _sandbox.Write("b.dstack.yml", "type: task\nname: second\ncommands:\n  - echo never\n");
        var first = await _sandbox.RunAsync("run", "-f", "a.dstack.yml", "-b", "ssh", "-y", "-d");
        Assert.True(first.Code == 0, first.ToString());

        var second = await _sandbox.RunAsync("run", "-f", "b.dstack.yml", "-b", "ssh", "-y");

        Assert.True(second.Code == 1, second.ToString());
        Assert.Contains("DSTK3010", second.Error, StringComparison.Ordinal);
        Assert.Contains("lo: busy with the run first", second.Error, StringComparison.Ordinal);
        await _sandbox.RunAsync("stop", "-x", "first");
    }

    [Fact]
    public async Task Plan_AnUnreachableHost_IsNotOffered_AndThePlanSaysWhy()
    {
        WritePool(("gone", "127.0.0.1", LoopbackSshd.FreePort()));
        _sandbox.Write(".dstack.yml", "type: task\ncommands:\n  - echo never\n");

        var result = await _sandbox.RunAsync("run", "-b", "ssh", "-y");

        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains("no SSH host can run it: gone: DSTK3020", result.Error, StringComparison.Ordinal);
        Assert.Contains("connection refused", result.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Run_WithoutBackends_PrefersThisMachine_AndBackendsSshPlansOnTheHost()
    {
        _sandbox.Write("here.dstack.yml", "type: task\ncommands:\n  - echo here\n");

        var local = await _sandbox.RunAsync("run", "-f", "here.dstack.yml", "-y");
        var excluded = await _sandbox.RunAsync("run", "-f", "here.dstack.yml", "-b", "ssh", "--dry-run");

        Assert.True(local.Code == 0, local.ToString());
        Assert.Equal("local", (await _sandbox.RunsAsync())[0].GetProperty("backend").GetString());
        Assert.True(excluded.Code == 0, excluded.ToString());
        Assert.Contains("ssh (lo)", excluded.Output, StringComparison.Ordinal);
    }

    private void WritePool(params (string Name, string Host, int Port)[] hosts)
    {
        var lines = new List<string> { "ssh_hosts:" };
        foreach (var (name, host, port) in hosts)
        {
            lines.AddRange([$"  - name: {name}", $"    user: {LoopbackSshd.User}", $"    host: {host}", $"    port: {port}", $"    identity_file: {_sshd.ClientKey}"]);
        }

        File.WriteAllLines(Path.Combine(_sandbox.Home, "config.yml"), lines);
    }

    private static IReadOnlyList<int> ProcessesWith(string marker)
    {
        var found = new List<int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(folder, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains(marker, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
            }
        }

        return found;
    }
}

/// <summary>A host whose disk fills up during the upload: a clear error, and nothing half-written kept as the code.</summary>
[Collection(RunCollection.Name)]
public sealed class SshFullDiskEndToEndTests : IDisposable
{
    private readonly DstackSandbox _sandbox = new();
    private readonly LoopbackSshd _sshd = new(runsDiskKilobytes: 512);

    public void Dispose()
    {
        _sandbox.Dispose();
        _sshd.Dispose();
    }

    [Fact]
    public async Task Run_WhenTheHostsDiskFillsDuringTheUpload_FailsSayingSo_AndKeepsNothingThere()
    {
        _sandbox.UseSshHost(_sshd, "small");
        var big = new byte[2 * 1024 * 1024];
        Random.Shared.NextBytes(big);
        Directory.CreateDirectory(Path.Combine(_sandbox.Project, "data"));
        File.WriteAllBytes(Path.Combine(_sandbox.Project, "data", "weights.bin"), big);
        _sandbox.Write(".dstack.yml", "type: task\nname: full\ncommands:\n  - echo should-not-run\n");

        var result = await _sandbox.RunAsync("run", "-b", "ssh", "-y");

        Assert.True(result.Code == 1, result.ToString());
        Assert.True(result.Error.Contains("DSTK3027: the disk of small (", StringComparison.Ordinal), result.ToString());
        Assert.Contains("is full", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("should-not-run", result.Output, StringComparison.Ordinal);
        Assert.Equal("failed", (await _sandbox.RunRecordAsync("full")).GetProperty("status").GetString());

        // What the host's sshd sees under ~/.dstack-runs (its own tmpfs): no code, no partial code.
        var listing = Process.Start(new ProcessStartInfo("ssh", ["-i", _sshd.ClientKey, "-p", _sshd.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", $"{LoopbackSshd.User}@127.0.0.1", "find ~/.dstack-runs -mindepth 1"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var found = await listing.StandardOutput.ReadToEndAsync();
        await listing.WaitForExitAsync();
        Assert.Equal(0, listing.ExitCode);
        Assert.DoesNotContain("code", found, StringComparison.Ordinal);
    }
}
