using System.Diagnostics;
using System.Text.Json;
using Dstack.Runtime.Processes;

namespace Dstack.Cli.Tests.Runs;

/// <summary>
/// <c>type: dev-environment</c> through the real CLI on the local backend: once ready, <c>ssh RUN</c> (through the
/// generated SSH config, with the project key) runs in the working folder with the job's environment; <c>ps --json</c>
/// has the IDE link and SSH host while it runs; <c>inactivity_duration</c> ends it only with no session attached;
/// <c>dstack attach</c> prints the link again; <c>dstack stop</c> leaves nothing (processes, port, entry, files).
/// </summary>
[Collection(RunCollection.Name)]
public sealed partial class DevEnvironmentEndToEndTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private readonly DstackSandbox _sandbox = new();

    public DevEnvironmentEndToEndTests()
    {
        // The user's ~/.ssh/config is left alone: ssh is given dstack's config with -F.
        _sandbox.Environment["DSTACK_SSH_CONFIG_INCLUDE"] = "0";
    }

    private string SshConfig => Path.Combine(_sandbox.Home, "ssh", "config");

    private string ServerFolder(string run) => Path.Combine(_sandbox.Home, "runs", run, "ssh-server");

    public void Dispose()
    {
        // A failed test must not leave a server behind: its pid file names it.
        foreach (var pidFile in Directory.Exists(Path.Combine(_sandbox.Home, "runs")) ? Directory.GetFiles(Path.Combine(_sandbox.Home, "runs"), "sshd.pid", SearchOption.AllDirectories) : [])
        {
            if (int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
            {
                Signals.SignalProcess(pid, Signals.Kill);
            }
        }

        // Nor on the SSH host: the environment's sshd there is named by its config in the job's folder.
        foreach (var folder in _remoteFolders)
        {
            foreach (var pid in RemoteSshd(folder))
            {
                Signals.SignalProcess(pid, Signals.Kill);
            }

            // The run's folder on the host (…/RUN-KEY/job-0/code): other tests look for leftovers there.
            var runFolder = Path.GetDirectoryName(Path.GetDirectoryName(folder.TrimEnd('/')));
            if (runFolder is not null && runFolder.Contains("/.dstack-runs/", StringComparison.Ordinal) && Directory.Exists(runFolder))
            {
                Directory.Delete(runFolder, recursive: true);
            }
        }

        _sandbox.Dispose();
    }

    private readonly List<string> _remoteFolders = [];

    private async Task<JsonElement> SubmitAsync(string name, string extra = "", string init = "echo init-ran > init.txt")
    {
        _sandbox.Write(".dstack.yml", $"type: dev-environment\nname: {name}\nenv:\n  - GREETING=hello from env\ninit:\n  - {init}\n{extra}");
        var submitted = await _sandbox.RunAsync("run", "-y", "-d");
        Assert.True(submitted.Code == 0, submitted.ToString());
        await _sandbox.WaitForLogsAsync(name, "dstack: connect with:", Limit);
        return await _sandbox.RunRecordAsync(name);
    }

    private Process StartSsh(string run, string command)
    {
        var start = new ProcessStartInfo("ssh") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-F", SshConfig, "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", run, command })
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }

    private async Task<(int Code, string Output, string Error)> SshAsync(string run, string command)
    {
        using var ssh = StartSsh(run, command);
        ssh.StandardInput.Close();
        var output = ssh.StandardOutput.ReadToEndAsync();
        var error = ssh.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(Limit);
        await ssh.WaitForExitAsync(limit.Token);
        return (ssh.ExitCode, await output, await error);
    }

    private async Task<JsonElement> WaitForStatusAsync(string run, string status, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var record = await _sandbox.RunRecordAsync(run);
            if (record.GetProperty("status").GetString() == status)
            {
                return record;
            }

            Assert.True(clock.Elapsed < limit, $"{run} is still {record.GetProperty("status").GetString()} after {limit.TotalSeconds} s");
            await Task.Delay(200);
        }
    }

    private void AssertNothingLeft(string run, int port)
    {
        Assert.False(Loopback.IsListening(port), $"the environment's sshd still listens on {port}");
        Assert.False(Directory.Exists(ServerFolder(run)), $"{ServerFolder(run)} is still there");
        Assert.DoesNotContain($"Host {run}", File.ReadAllText(SshConfig), StringComparison.Ordinal);
    }

    private int PortOf(string run)
    {
        var entry = File.ReadAllText(SshConfig);
        var start = entry.IndexOf($"Host {run}\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no entry for {run} in:\n{entry}");
        var line = entry[start..].Split('\n').First(l => l.Trim().StartsWith("Port ", StringComparison.Ordinal));
        return int.Parse(line.Trim()["Port ".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task DevEnvironment_Ready_SshRunsInTheWorkingFolder_AndInactivityEndsItOnlyWithoutASession()
    {
        var record = await SubmitAsync("devenv", "ide: vscode\ninactivity_duration: 4s\n");
        var folder = Path.Combine(_sandbox.Home, "runs", "devenv", "code", "job-0");
        var port = PortOf("devenv");

        Assert.Equal($"vscode://vscode-remote/ssh-remote+devenv{folder}", record.GetProperty("ide_url").GetString());
        Assert.Equal("devenv", record.GetProperty("ssh_host").GetString());

        // A session held open for longer than the inactivity duration keeps the environment up.
        using var held = StartSsh("devenv", "pwd; cat init.txt; echo \"$DSTACK_RUN_NAME|$GREETING\"; exec sleep 8");
        Assert.Equal(folder, await held.StandardOutput.ReadLineAsync().WaitAsync(Limit));
        Assert.Equal("init-ran", await held.StandardOutput.ReadLineAsync().WaitAsync(Limit));
        Assert.Equal("devenv|hello from env", await held.StandardOutput.ReadLineAsync().WaitAsync(Limit));
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.Equal("running", (await _sandbox.RunRecordAsync("devenv")).GetProperty("status").GetString());

        // The session ends; the clock starts again from then.
        var closed = Stopwatch.StartNew();
        await held.WaitForExitAsync(new CancellationTokenSource(Limit).Token);
        var ended = await WaitForStatusAsync("devenv", "terminated", TimeSpan.FromSeconds(20));
        closed.Stop();

        Assert.True(closed.Elapsed >= TimeSpan.FromSeconds(3.5), $"it ended {closed.Elapsed.TotalSeconds:0.0} s after the session closed, before inactivity_duration (4s)");
        Assert.Equal("inactivity_duration_exceeded", ended.GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, ended.GetProperty("ide_url").ValueKind);
        Assert.Equal(JsonValueKind.Null, ended.GetProperty("ssh_host").ValueKind);
        Assert.Empty(await _sandbox.WaitForNoJobProcessesAsync("devenv", TimeSpan.FromSeconds(5)));
        AssertNothingLeft("devenv", port);
        Assert.Contains("no SSH session for inactivity_duration (4s)", (await _sandbox.RunAsync("logs", "devenv")).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DevEnvironment_Cursor_AttachPrintsTheLinkAgain_AndStopEndsItWithASessionOpen()
    {
        var record = await SubmitAsync("cursed", "ide: cursor\n");
        var link = record.GetProperty("ide_url").GetString()!;
        var port = PortOf("cursed");
        Assert.StartsWith("cursor://vscode-remote/ssh-remote+cursed/", link, StringComparison.Ordinal);

        // No inactivity_duration: it stays up with no session.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal("running", (await _sandbox.RunRecordAsync("cursed")).GetProperty("status").GetString());

        var attach = _sandbox.Start("attach", "cursed");
        await attach.WaitForTextAsync(link, Limit);
        await attach.WaitForTextAsync($"ssh -F {SshConfig} cursed", Limit);

        using var session = StartSsh("cursed", "echo open; exec sleep 120");
        Assert.Equal("open", await session.StandardOutput.ReadLineAsync().WaitAsync(Limit));

        var stop = await _sandbox.RunAsync("stop", "cursed", "-y");
        Assert.True(stop.Code == 0, stop.ToString());
        await session.WaitForExitAsync(new CancellationTokenSource(Limit).Token);
        await attach.WaitAsync(Limit);

        var ended = await _sandbox.RunRecordAsync("cursed");
        Assert.Equal("terminated", ended.GetProperty("status").GetString());
        Assert.Equal("stopped_by_user", ended.GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, ended.GetProperty("ide_url").ValueKind);
        Assert.Empty(await _sandbox.WaitForNoJobProcessesAsync("cursed", TimeSpan.FromSeconds(5)));
        AssertNothingLeft("cursed", port);
    }

    /// <summary>A dev environment on a pool host (a loopback sshd plays it): submitted, ready, its job's folder there from the link.</summary>
    private async Task<(string Folder, int Port)> SubmitOnAnSshHostAsync(Dstack.Runtime.Tests.Ssh.LoopbackSshd sshd, string name, string extra)
    {
        _sandbox.UseSshHost(sshd);
        _sandbox.Write(".dstack.yml", $"type: dev-environment\nname: {name}\nide: vscode\nenv:\n  - GREETING=hello from env\ninit:\n  - echo init-ran > init.txt\n{extra}");
        var submitted = await _sandbox.RunAsync("run", "-b", "ssh", "-y", "-d");
        Assert.True(submitted.Code == 0, submitted.ToString());
        await _sandbox.WaitForLogsAsync(name, "dstack: connect with:", TimeSpan.FromSeconds(60));
        var link = (await _sandbox.RunRecordAsync(name)).GetProperty("ide_url").GetString()!;
        var prefix = $"vscode://vscode-remote/ssh-remote+{name}/";
        Assert.StartsWith(prefix, link, StringComparison.Ordinal);
        var folder = Uri.UnescapeDataString(link[(prefix.Length - 1)..]);
        _remoteFolders.Add(folder);
        return (folder, PortOf(name));
    }

    /// <summary>The processes of the environment's sshd on the host: their command line names its config in the job's folder.</summary>
    private static IReadOnlyList<int> RemoteSshd(string jobCodeFolder) =>
        Dstack.Runtime.Tests.Ssh.LoopbackSshd.ProcessesMentioning(Path.Combine(Path.GetDirectoryName(jobCodeFolder.TrimEnd('/'))!, "ssh-server", "sshd_config"));

    [Fact]
    public async Task DevEnvironment_OnAnSshHost_SshRunLandsInTheJobsFolderThereWithItsEnvironment_AndStopLeavesNoSshd()
    {
        using var sshd = new Dstack.Runtime.Tests.Ssh.LoopbackSshd();
        var (folder, port) = await SubmitOnAnSshHostAsync(sshd, "hostdev", string.Empty);
        var entry = File.ReadAllText(SshConfig);

        // The environment's own sshd on the host's loopback, reached through the host's login.
        Assert.Contains($"Host hostdev\n    HostName 127.0.0.1\n    User {Dstack.Runtime.Tests.Ssh.LoopbackSshd.User}\n    Port {port}\n", entry, StringComparison.Ordinal);
        Assert.Contains($"-p {sshd.Port} ", entry, StringComparison.Ordinal);
        Assert.NotEqual(sshd.Port, port);
        Assert.NotEmpty(RemoteSshd(folder));

        var (code, output, error) = await SshAsync("hostdev", "pwd; cat init.txt; echo \"$DSTACK_RUN_NAME|$GREETING\"");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Equal($"{folder}\ninit-ran\nhostdev|hello from env\n", output);

        using var session = StartSsh("hostdev", "echo open; exec sleep 120");
        Assert.Equal("open", await session.StandardOutput.ReadLineAsync().WaitAsync(Limit));
        var stop = await _sandbox.RunAsync("stop", "hostdev", "-y");
        Assert.True(stop.Code == 0, stop.ToString());
        await session.WaitForExitAsync(new CancellationTokenSource(Limit).Token);

        var ended = await _sandbox.RunRecordAsync("hostdev");
        Assert.Equal("terminated", ended.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, ended.GetProperty("ssh_host").ValueKind);
        Assert.DoesNotContain("Host hostdev", File.ReadAllText(SshConfig), StringComparison.Ordinal);
        Assert.Empty(RemoteSshd(folder));
        Assert.False(Loopback.IsListening(port), $"the environment's sshd still listens on {port} on the host");
        Assert.False(Directory.Exists(folder), $"the job's folder {folder} is still on the host");
        Assert.False(Directory.Exists(ServerFolder("hostdev")), $"{ServerFolder("hostdev")} is still there");
    }

    [Fact]
    public async Task DevEnvironment_OnAnSshHost_InactivityEndsItOnlyWithoutASession()
    {
        using var sshd = new Dstack.Runtime.Tests.Ssh.LoopbackSshd();
        var (folder, port) = await SubmitOnAnSshHostAsync(sshd, "idle-dev", "inactivity_duration: 5s\n");
        Assert.NotEmpty(RemoteSshd(folder));

        // A session held open for longer than the inactivity duration keeps the environment up.
        using var held = StartSsh("idle-dev", "echo open; exec sleep 9");
        Assert.Equal("open", await held.StandardOutput.ReadLineAsync().WaitAsync(Limit));
        await Task.Delay(TimeSpan.FromSeconds(7));
        Assert.Equal("running", (await _sandbox.RunRecordAsync("idle-dev")).GetProperty("status").GetString());

        var closed = Stopwatch.StartNew();
        await held.WaitForExitAsync(new CancellationTokenSource(Limit).Token);
        var ended = await WaitForStatusAsync("idle-dev", "terminated", TimeSpan.FromSeconds(30));
        closed.Stop();

        Assert.True(closed.Elapsed >= TimeSpan.FromSeconds(4.5), $"it ended {closed.Elapsed.TotalSeconds:0.0} s after the session closed, before inactivity_duration (5s)");
        Assert.Equal("inactivity_duration_exceeded", ended.GetProperty("reason").GetString());
        var logs = (await _sandbox.RunAsync("logs", "idle-dev")).Error;
        Assert.Contains("no SSH session for inactivity_duration (5s)", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("not honoured", logs, StringComparison.Ordinal);
        Assert.Empty(RemoteSshd(folder));
        Assert.False(Loopback.IsListening(port), $"the environment's sshd still listens on {port} on the host");
        Assert.DoesNotContain("Host idle-dev", File.ReadAllText(SshConfig), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DevEnvironment_OnAnSshHost_ControllerKilled_StopEndsItsSshdAndSessionsThere()
    {
        using var sshd = new Dstack.Runtime.Tests.Ssh.LoopbackSshd();
        var (folder, port) = await SubmitOnAnSshHostAsync(sshd, "orphan-dev", string.Empty);
        using var session = StartSsh("orphan-dev", "echo open; exec sleep 120");
        Assert.Equal("open", await session.StandardOutput.ReadLineAsync().WaitAsync(Limit));
        var controller = _sandbox.FindRun("orphan-dev")!.ControllerPid!.Value;

        Signals.SignalProcess(controller, Signals.Kill);
        var clock = Stopwatch.StartNew();
        while (Signals.IsAlive(controller) && clock.Elapsed < Limit)
        {
            await Task.Delay(50);
        }

        Assert.NotEmpty(RemoteSshd(folder));
        var stop = await _sandbox.RunAsync("stop", "orphan-dev", "-y");

        Assert.True(stop.Code == 0, stop.ToString());
        await session.WaitForExitAsync(new CancellationTokenSource(Limit).Token);
        Assert.Empty(RemoteSshd(folder));
        Assert.False(Loopback.IsListening(port), $"the environment's sshd still listens on {port} on the host");
        Assert.False(Directory.Exists(folder), $"the job's folder {folder} is still on the host");
        Assert.DoesNotContain("Host orphan-dev", File.ReadAllText(SshConfig), StringComparison.Ordinal);
        Assert.False(Directory.Exists(ServerFolder("orphan-dev")), $"{ServerFolder("orphan-dev")} is still there");
    }

    [Dstack.Runtime.Tests.Ssh.PrivateMountFact]
    public async Task DevEnvironment_OnAnSshHostWithoutSshd_StillRuns_SshRunLogsInToTheMachine_InactivityIsNotHonoured_AndStopLeavesNothing()
    {
        // The host's login sshd runs from a copy in a mount namespace where /usr/sbin/sshd is an empty file.
        using var sshd = new Dstack.Runtime.Tests.Ssh.LoopbackSshd(withoutSshd: true);
        var (folder, port) = await SubmitOnAnSshHostAsync(sshd, "bare-dev", "inactivity_duration: 2s\n");
        await _sandbox.WaitForLogsAsync("bare-dev", "is not honoured without", Limit);
        var logs = (await _sandbox.RunAsync("logs", "bare-dev")).Error;

        Assert.Contains(
            "dstack: warning: DSTK3055: the dev environment's own SSH server could not be started on lo: lo has no OpenSSH server at /usr/sbin/sshd; install it there (Debian/Ubuntu: sudo apt-get install openssh-server; the service itself need not run); ssh bare-dev logs in to the machine itself instead (your home there, without the job's environment), and inactivity_duration is not honoured",
            logs,
            StringComparison.Ordinal);
        Assert.Contains("dstack: warning: inactivity_duration (2s) is not honoured without the dev environment's own SSH server; this environment runs until it is stopped or reaches max_duration", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("(inactivity_duration)", logs, StringComparison.Ordinal);

        // ssh RUN is the machine's own login: the host's sshd (the copy), the login user's home, none of the job's environment.
        Assert.Equal(sshd.Port, port);
        Assert.Contains($"Host bare-dev\n    HostName 127.0.0.1\n    User {Dstack.Runtime.Tests.Ssh.LoopbackSshd.User}\n    Port {sshd.Port}\n", File.ReadAllText(SshConfig), StringComparison.Ordinal);
        Assert.Empty(RemoteSshd(folder));
        var (code, output, error) = await SshAsync("bare-dev", "pwd; echo \"[$GREETING|$DSTACK_RUN_NAME]\"; readlink /proc/$PPID/exe; [ -x /usr/sbin/sshd ] && echo has-sshd || echo no-sshd");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Equal($"{HomeOf(Dstack.Runtime.Tests.Ssh.LoopbackSshd.User)}\n[|]\n{sshd.Program}\nno-sshd\n", output);
        Assert.True(Directory.Exists(folder), $"the job's folder {folder} is not on the host");

        // Not honoured: no session for well over the inactivity duration, and it still runs.
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.Equal("running", (await _sandbox.RunRecordAsync("bare-dev")).GetProperty("status").GetString());

        var stop = await _sandbox.RunAsync("stop", "bare-dev", "-y");
        Assert.True(stop.Code == 0, stop.ToString());
        var ended = await _sandbox.RunRecordAsync("bare-dev");
        Assert.Equal("terminated", ended.GetProperty("status").GetString());
        Assert.Equal("stopped_by_user", ended.GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, ended.GetProperty("ssh_host").ValueKind);
        Assert.Empty(await _sandbox.WaitForNoJobProcessesAsync("bare-dev", TimeSpan.FromSeconds(5)));
        var runFolder = Path.GetDirectoryName(Path.GetDirectoryName(folder.TrimEnd('/')))!;
        Assert.Empty(Dstack.Runtime.Tests.Ssh.LoopbackSshd.ProcessesMentioning(runFolder));
        Assert.False(Directory.Exists(runFolder), $"the run's folder {runFolder} is still on the host");
        Assert.DoesNotContain("Host bare-dev", File.ReadAllText(SshConfig), StringComparison.Ordinal);
        Assert.False(Directory.Exists(ServerFolder("bare-dev")), $"{ServerFolder("bare-dev")} is still there");
    }

    /// <summary>The login user's home as the host's sshd gives it (the password database, not this process's HOME).</summary>
    private static string HomeOf(string user) =>
        File.ReadAllLines("/etc/passwd").Select(l => l.Split(':')).First(f => f.Length > 5 && f[0] == user)[5];

    [DockerFact]
    public async Task DevEnvironment_OnAnSshHostWithImage_SshRunRunsInTheJobsContainerThere()
    {
        using var sshd = new Dstack.Runtime.Tests.Ssh.LoopbackSshd();
        var (folder, _) = await SubmitOnAnSshHostAsync(sshd, "boxed-dev", $"image: {DockerFactAttribute.Image}\n");

        var (code, output, error) = await SshAsync("boxed-dev", "pwd; echo \"$GREETING\"; [ -f /.dockerenv ] && echo in-container");

        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Equal("/workflow", folder);
        Assert.Equal("/workflow\nhello from env\nin-container\n", output);
        Assert.True((await _sandbox.RunAsync("stop", "boxed-dev", "-y")).Code == 0);
        Assert.DoesNotContain("Host boxed-dev", File.ReadAllText(SshConfig), StringComparison.Ordinal);
    }

    [DockerFact]
    public async Task DevEnvironment_LocalImage_SshRunRunsInTheJobsContainer()
    {
        await SubmitAsync("boxed", $"ide: vscode\nimage: {DockerFactAttribute.Image}\n");

        var (code, output, error) = await SshAsync("boxed", "pwd; echo \"$GREETING\"; [ -f /.dockerenv ] && echo in-container");

        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Equal("/workflow\nhello from env\nin-container\n", output);
        Assert.Equal("vscode://vscode-remote/ssh-remote+boxed/workflow", (await _sandbox.RunRecordAsync("boxed")).GetProperty("ide_url").GetString());
        Assert.True((await _sandbox.RunAsync("stop", "boxed", "-y")).Code == 0);
    }

    [Fact]
    public async Task DevEnvironment_ControllerKilled_StopEndsItsSshdAndRemovesTheEntry()
    {
        await SubmitAsync("orphan", "ide: vscode\n");
        var port = PortOf("orphan");
        using var session = StartSsh("orphan", "echo open; exec sleep 120");
        Assert.Equal("open", await session.StandardOutput.ReadLineAsync().WaitAsync(Limit));
        var controller = _sandbox.FindRun("orphan")!.ControllerPid!.Value;

        Signals.SignalProcess(controller, Signals.Kill);
        var clock = Stopwatch.StartNew();
        while (Signals.IsAlive(controller) && clock.Elapsed < Limit)
        {
            await Task.Delay(50);
        }

        Assert.True(Loopback.IsListening(port), "the sshd outlives its controller until someone stops the run");
        var stop = await _sandbox.RunAsync("stop", "orphan", "-y");

        Assert.True(stop.Code == 0, stop.ToString());
        await session.WaitForExitAsync(new CancellationTokenSource(Limit).Token);
        Assert.Empty(await _sandbox.WaitForNoJobProcessesAsync("orphan", TimeSpan.FromSeconds(5)));
        AssertNothingLeft("orphan", port);
    }

    [Fact]
    public async Task DevEnvironment_RetriedAfterItsJobDied_PublishesOnlyAfterTheNewAttemptsReadyLine()
    {
        // Attempt 1 becomes ready, then its job dies (retry on error); attempt 2's init takes 3 s before it is ready.
        var mark = Path.Combine(_sandbox.Project, "..", "attempt-mark");
        await SubmitAsync("again", "ide: vscode\nretry:\n  on_events: [error]\n", $"if [ -e {mark} ]; then sleep 3; else touch {mark}; (sleep 2; kill $$) & fi");
        var clock = Stopwatch.StartNew();
        string logs;
        while (true)
        {
            logs = (await _sandbox.RunAsync("logs", "again")).Error;
            var second = logs.LastIndexOf("dstack: starting the job", StringComparison.Ordinal);
            if (second > logs.IndexOf("dstack: starting the job", StringComparison.Ordinal) && logs.IndexOf("dstack: connect with:", second, StringComparison.Ordinal) > 0)
            {
                break;
            }

            Assert.True(clock.Elapsed < Limit, $"attempt 2 did not become reachable:\n{logs}");
            await Task.Delay(200);
        }

        var output = (await _sandbox.RunAsync("logs", "again")).Output;
        Assert.Equal(2, output.Split("dstack: the dev environment is ready in ").Length - 1);
        var record = await _sandbox.RunRecordAsync("again");
        Assert.Equal(2, record.GetProperty("attempt").GetInt32());
        Assert.Equal("running", record.GetProperty("status").GetString());
        var (code, pwd, error) = await SshAsync("again", "pwd");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.EndsWith("/job-0\n", pwd, StringComparison.Ordinal);
        Assert.True((await _sandbox.RunAsync("stop", "again", "-y")).Code == 0);
    }
}
