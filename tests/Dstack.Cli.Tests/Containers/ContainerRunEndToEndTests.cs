using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Dstack.Cli.Tests.Runs;

namespace Dstack.Cli.Tests.Containers;

/// <summary>
/// <c>dstack run</c> of tasks with <c>image:</c> on the real Docker engine of this machine: what the job sees in its
/// container (exit code, env, the working copy at /workflow, ports, shm_size, privileged, user, entrypoint, two nodes).
/// Every run has a name of its own (the engine is shared), and whatever a failed test leaves is removed by that name.
/// </summary>
[Collection(RunCollection.Name)]
public sealed partial class ContainerRunEndToEndTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private readonly DstackSandbox _sandbox = new();
    private readonly string _name = "ct-" + Guid.NewGuid().ToString("N")[..10];

    public void Dispose()
    {
        _sandbox.Dispose();
        if (DockerFactAttribute.Available)
        {
            EngineState.RemoveContainers(_name);
        }
    }

    /// <summary>The job's working copy on this machine (what the container sees at /workflow).</summary>
    private string WorkingCopy => Path.Combine(_sandbox.Home, "runs", _name, "code", "job-0");

    [DockerFact]
    public async Task Run_ExitCode_IsTheContainersAndNothingIsLeft()
    {
        WriteTask("  - echo in-the-container; grep CapEff /proc/self/status\n  - exit 3\n");

        var run = await _sandbox.RunAsync("run", "-y");

        Assert.True(run.Code == 3, run.ToString());
        Assert.Contains("in-the-container", run.Output, StringComparison.Ordinal);
        Assert.False(HasSysAdmin(run.Output), $"an unprivileged container has CAP_SYS_ADMIN:\n{run}");
        Assert.Equal("failed", (await _sandbox.RunRecordAsync(_name)).GetProperty("status").GetString());
        Assert.Empty(EngineState.Containers(_name));
    }

    [DockerFact]
    public async Task Run_EnvByName_ReachesTheJob_ValueNeverOnACommandLine()
    {
        var value = "s3cr3t-" + Guid.NewGuid().ToString("N");
        _sandbox.Environment["CT_SECRET_VALUE"] = value;
        WriteTask("  - echo \"hash=$(printf %s \"$CT_SECRET_VALUE\" | sha256sum | cut -c1-64)\"\n  - echo ready\n  - while [ ! -e /workflow/go ]; do sleep 0.1; done\n", env: "env:\n  - CT_SECRET_VALUE\n");

        var run = _sandbox.Start("run", "-y");
        await run.WaitForTextAsync("ready", Limit);
        var seen = CommandLinesContaining(value);
        File.WriteAllText(Path.Combine(WorkingCopy, "go"), string.Empty);
        var result = await run.WaitAsync(Limit);

        Assert.True(result.Code == 0, result.ToString());
        Assert.Empty(seen);
        Assert.Contains($"hash={Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))}", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(value, result.Output + result.Error, StringComparison.Ordinal);
    }

    [DockerFact]
    public async Task Run_WorkingCopy_IsMountedAtWorkflow_BothWays()
    {
        var marker = "from-the-repo-" + Guid.NewGuid().ToString("N")[..8];
        _sandbox.Write("data/input.txt", marker);
        WriteTask("  - pwd\n  - cat data/input.txt; echo\n  - echo made-inside > made.txt\n  - echo ready\n  - while [ ! -e from-outside ]; do sleep 0.1; done\n  - echo saw-the-host-file\n");

        var run = _sandbox.Start("run", "-y");
        await run.WaitForTextAsync("ready", Limit);
        var made = File.ReadAllText(Path.Combine(WorkingCopy, "made.txt"));
        File.WriteAllText(Path.Combine(WorkingCopy, "from-outside"), string.Empty);
        var result = await run.WaitAsync(Limit);

        Assert.True(result.Code == 0, result.ToString());
        Assert.Equal("made-inside\n", made);
        Assert.Contains("/workflow\n", result.Output, StringComparison.Ordinal);
        Assert.Contains(marker, result.Output, StringComparison.Ordinal);
        Assert.Contains("saw-the-host-file", result.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_sandbox.Project, "made.txt")), "the job wrote into the project, not its working copy");
    }

    [DockerFact]
    public async Task Run_PortServedFromTheContainer_IsFetchedOnTheForwardedLocalPort()
    {
        var container = Loopback.FreePort();
        var local = Loopback.FreePort();
        WriteTask($"  - echo served-by-busybox > index.html\n  - echo listening\n  - exec httpd -f -p 127.0.0.1:{container} -h /workflow\n", ports: $"ports:\n  - \"{local}:{container}\"\n");

        var run = _sandbox.Start("run", "-y");
        await run.WaitForTextAsync($"http://127.0.0.1:{local} -> {container}", Limit);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var body = await Loopback.GetWithRetriesAsync(http, $"http://127.0.0.1:{local}/index.html");
        run.Interrupt();
        var result = await run.WaitAsync(Limit);

        Assert.Equal("served-by-busybox\n", body);
        Assert.True(result.Code == 130, result.ToString());
        Assert.Empty(EngineState.Containers(_name));
        Assert.False(Loopback.IsListening(local), $"local port {local} is still open");
        Assert.False(Loopback.IsListening(container), $"container port {container} is still open");
    }

    [DockerFact]
    public async Task Run_ShmSize_IsTheSizeOfDevShm()
    {
        WriteTask("  - df -k /dev/shm\n", resources: "resources:\n  shm_size: 256MB\n");

        var run = await _sandbox.RunAsync("run", "-y");

        Assert.True(run.Code == 0, run.ToString());
        Assert.Matches(@"\bshm\s+262144\b", run.Output);
    }

    [DockerFact]
    public async Task Run_Privileged_HasEveryCapability()
    {
        WriteTask("  - grep CapEff /proc/self/status\n", extra: "privileged: true\n");

        var run = await _sandbox.RunAsync("run", "-y");

        Assert.True(run.Code == 0, run.ToString());
        Assert.True(HasSysAdmin(run.Output), $"a privileged container lacks CAP_SYS_ADMIN:\n{run}");
    }

    [DockerFact]
    public async Task Run_User_RunsTheJobAsThatUidAndGid()
    {
        WriteTask("  - echo \"uid=$(id -u) gid=$(id -g)\"\n", extra: "user: \"1234:1234\"\n");

        var run = await _sandbox.RunAsync("run", "-y");

        Assert.True(run.Code == 0, run.ToString());
        Assert.Contains("uid=1234 gid=1234", run.Output, StringComparison.Ordinal);
    }

    [DockerFact]
    public async Task Run_Entrypoint_IsSplitLikeAShell_TheCommandsAreItsLastArgument()
    {
        WriteTask("  - echo a\n  - echo b\n", extra: "entrypoint: /bin/echo 'two  words'\n");

        var run = await _sandbox.RunAsync("run", "-y");

        Assert.True(run.Code == 0, run.ToString());
        Assert.Contains("two  words echo a && echo b\n", run.Output, StringComparison.Ordinal);
    }

    [DockerFact]
    public async Task Run_TwoNodes_RankOneSendsToRankZeroOverTheHostNetwork()
    {
        // Below the ephemeral range: a retried connect to a port nobody listens on yet cannot connect to itself. Rank 0's
        // nc hands the connection to cat (-e), which reads it to its end (a plain nc -l may end at its own stdin's end first).
        var port = PortBelowEphemeralRange().ToString(CultureInfo.InvariantCulture);
        var message = "hello-" + Guid.NewGuid().ToString("N")[..8];
        WriteTask(
            $"  - if [ \"$DSTACK_NODE_RANK\" = 0 ]; then nc -l -p {port} -e sh -c 'cat > got.txt'; echo \"rank0 got $(cat got.txt)\"; " +
            $"else for i in $(seq 1 200); do echo {message} | nc $DSTACK_MASTER_NODE_IP {port} && break; sleep 0.1; done; echo rank1 sent; fi\n",
            extra: "nodes: 2\n");

        var run = await _sandbox.RunAsync("run", "-y");

        Assert.True(run.Code == 0, run.ToString());
        Assert.True(run.Output.Contains($"[0] rank0 got {message}", StringComparison.Ordinal), run.ToString());
        Assert.True(run.Output.Contains("[1] rank1 sent", StringComparison.Ordinal), run.ToString());
        Assert.Contains("in a container of", run.Error + run.Output, StringComparison.Ordinal);
        Assert.Empty(EngineState.Containers(_name));
    }

    [DockerFact]
    public async Task Run_ImageNobodyHas_FailsBeforeTheJob_NamingTheImageAndRegistry()
    {
        // "localhost" as the registry: the engine's pull asks 127.0.0.1, where no registry listens.
        var image = $"localhost/dstack-no-such-image-{_name}:1";
        _sandbox.Write(".dstack.yml", $"type: task\nname: {_name}\nimage: {image}\ncommands:\n  - echo never-started\n");

        var run = await _sandbox.RunAsync("run", "-y");

        Assert.True(run.Code == 1, run.ToString());
        var pulling = run.Error.IndexOf($"dstack: pulling {image} on this machine", StringComparison.Ordinal);
        var failed = run.Error.IndexOf($"DSTK3032: image: \"{image}\" could not be pulled from localhost on this machine", StringComparison.Ordinal);
        Assert.True(pulling >= 0 && failed > pulling, run.ToString());
        Assert.DoesNotContain("never-started", run.Output, StringComparison.Ordinal);
        Assert.Empty(EngineState.Containers(_name));
        Assert.NotEqual(0, EngineState.Docker("image", "inspect", image).ExitCode);
    }

    /// <summary>Writes the task: the busybox image, <paramref name="commands"/> (YAML list lines) and the other keys given.</summary>
    private void WriteTask(string commands, string env = "", string ports = "", string resources = "", string extra = "") =>
        _sandbox.Write(".dstack.yml", $"type: task\nname: {_name}\nimage: {DockerFactAttribute.Image}\n{extra}{env}{ports}{resources}commands:\n{commands}");

    /// <summary>A free port on 127.0.0.1 under 32768, where Linux never picks a connection's own port.</summary>
    private static int PortBelowEphemeralRange()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = Random.Shared.Next(20000, 32000);
            try
            {
                using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
                probe.Start();
                return port;
            }
            catch (System.Net.Sockets.SocketException) when (attempt < 50)
            {
            }
        }
    }

    /// <summary>Whether the <c>CapEff:</c> line in <paramref name="output"/> has CAP_SYS_ADMIN (bit 21).</summary>
    private static bool HasSysAdmin(string output)
    {
        var match = CapEff().Match(output);
        Assert.True(match.Success, $"no CapEff line in:\n{output}");
        return (ulong.Parse(match.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture) & (1UL << 21)) != 0;
    }

    /// <summary>The processes of this machine whose command line holds <paramref name="text"/>, as "pid: command line".</summary>
    private static List<string> CommandLinesContaining(string text)
    {
        var found = new List<string>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(folder, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains(text, StringComparison.Ordinal))
                {
                    found.Add($"{pid}: {commandLine}");
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    [GeneratedRegex(@"CapEff:\s*([0-9a-f]+)")]
    private static partial Regex CapEff();
}
