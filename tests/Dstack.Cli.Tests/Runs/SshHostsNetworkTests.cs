using System.Net.Http;
using Dstack.Runtime.Tests.Ssh;

namespace Dstack.Cli.Tests.Runs;

/// <summary>
/// <c>dstack run</c> on real SSH hosts in network namespaces this test makes (<see cref="NetnsHosts"/>: a bridge, a
/// namespace per host with its own address and sshd): a port fetched through the tunnel, two ranks talking over the
/// master's address, a link cut and restored mid-run without a lost or repeated log line, and a host killed mid-run
/// (the run fails, or moves to the other host with retry). Skipped, with the reason, only where namespaces cannot be
/// made.
/// </summary>
[Collection(RunCollection.Name)]
public sealed class SshHostsNetworkTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    private readonly DstackSandbox _sandbox = new();
    private NetnsHosts? _hosts;

    public void Dispose()
    {
        _sandbox.Dispose();
        _hosts?.Dispose();

        // A killed host keeps its job's folder; here every host is this machine's file system.
        var runs = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dstack-runs");
        foreach (var name in new[] { "doomed", "mover" })
        {
            foreach (var folder in Directory.Exists(runs) ? Directory.EnumerateDirectories(runs, name + "-*") : [])
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [NetnsFact]
    public async Task SingleNode_PortIsFetchedThroughTheTunnel_FromTheHostsOwnAddress()
    {
        var hosts = Hosts(2);
        var port = LoopbackSshd.FreePort();
        _sandbox.Write("index.html", "served-from-the-host\n");
        _sandbox.Write(".dstack.yml", $"type: task\nname: web\nports:\n  - \"{port}:8000\"\ncommands:\n  - echo \"on $(ip -4 -o addr show eth0 | awk '{{print $4}}')\"\n  - python3 -m http.server 8000 --bind 127.0.0.1\n");
        var run = _sandbox.Start("run", "-b", "ssh", "-y");

        await run.WaitForTextAsync($"http://127.0.0.1:{port} -> 8000", Limit);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        // The tunnel opens once the job runs, which may be before its server listens: ask again until it answers.
        var body = await FetchAsync(http, $"http://127.0.0.1:{port}/index.html");
        await run.WaitForTextAsync($"on {hosts.Hosts[0].Address}/", Limit);
        var stop = await _sandbox.RunAsync("stop", "web");

        Assert.Equal("served-from-the-host\n", body);
        Assert.True(stop.Code == 0, stop.ToString());
        await run.WaitAsync(Limit);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetStringAsync($"http://127.0.0.1:{port}/index.html"));
    }

    [NetnsFact]
    public async Task TwoNodes_RanksExchangeAMessageOverTheMasterAddress()
    {
        var hosts = Hosts(2);
        _sandbox.Write("talk.py", """
            import os, socket, sys, time
            rank = int(os.environ["DSTACK_NODE_RANK"])
            master = os.environ["DSTACK_MASTER_NODE_IP"]
            # Each rank waits for the other until a deadline inside the test's limit, however late either starts.
            deadline = time.monotonic() + 100
            if rank == 0:
                server = socket.create_server(("0.0.0.0", 29500))
                server.settimeout(100)
                connection, peer = server.accept()
                message = connection.recv(1024).decode()
                print(f"rank 0 got: {message} (from {peer[0]})", flush=True)
                connection.sendall(b"ack from rank 0")
                connection.close()
            else:
                while True:
                    try:
                        client = socket.create_connection((master, 29500), timeout=5)
                        break
                    except OSError as error:
                        if time.monotonic() > deadline:
                            sys.exit(f"rank 1 could not reach the master at {master}:29500 within 100 s: {error}")
                        time.sleep(0.1)
                client.sendall(b"hello from rank 1")
                print(f"rank 1 got: {client.recv(1024).decode()}", flush=True)
            """);
        _sandbox.Write(".dstack.yml", "type: task\nname: talk\nnodes: 2\ncommands:\n  - echo \"ips=$(echo $DSTACK_NODES_IPS)\"\n  - python3 talk.py\n");

        var result = await _sandbox.Start("run", "-b", "ssh", "-y").WaitAsync(Limit);

        var (first, second) = (hosts.Hosts[0].Address, hosts.Hosts[1].Address);
        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains($"[0] ips={first} {second}\n", result.Output, StringComparison.Ordinal);
        Assert.Contains($"[0] rank 0 got: hello from rank 1 (from {second})\n", result.Output, StringComparison.Ordinal);
        Assert.Contains("[1] rank 1 got: ack from rank 0\n", result.Output, StringComparison.Ordinal);
    }

    [NetnsFact]
    public async Task LinkCutAndRestoredDuringARun_TheRunGoesOn_AndNoLogLineIsLostOrRepeated()
    {
        var hosts = Hosts(1);
        _sandbox.Write(".dstack.yml", "type: task\nname: steady\ncommands:\n  - for i in $(seq 1 300); do echo \"line $i\"; sleep 0.1; done\n");
        var run = _sandbox.Start("run", "-b", "ssh", "-y", "-d");
        Assert.True((await run.WaitAsync(Limit)).Code == 0, run.Error);
        await _sandbox.WaitForLogsAsync("steady", "line 20\n", Limit);

        // Until the keep-alives (15 s) find the connection dead and dstack says so; then it must reconnect and resume.
        hosts.CutLink(0);
        await _sandbox.WaitForLogsAsync("steady", "dstack: the connection to h0 dropped", Limit);
        hosts.RestoreLink(0);
        var record = await WaitForEndAsync("steady");
        var logs = await _sandbox.RunAsync("logs", "steady");

        Assert.Equal("done", record);
        Assert.Contains("dstack: the connection to h0 dropped", logs.Error, StringComparison.Ordinal);
        Assert.Contains("dstack: reconnected to h0", logs.Error, StringComparison.Ordinal);
        var lines = logs.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("line ", StringComparison.Ordinal)).ToList();
        Assert.Equal(Enumerable.Range(1, 300).Select(i => $"line {i}"), lines);
    }

    [NetnsFact]
    public async Task HostKilledDuringARun_WithoutRetry_TheRunFailsSayingTheHostWasLost()
    {
        var hosts = Hosts(1);
        _sandbox.Environment["DSTACK_SSH_RECONNECT_SECONDS"] = "4";
        _sandbox.Write(".dstack.yml", "type: task\nname: doomed\ncommands:\n  - echo started\n  - sleep 300\n");
        Assert.Equal(0, (await _sandbox.RunAsync("run", "-b", "ssh", "-y", "-d")).Code);
        await _sandbox.WaitForLogsAsync("doomed", "started", Limit);

        hosts.KillHost(0);
        var status = await WaitForEndAsync("doomed");
        var logs = await _sandbox.RunAsync("logs", "doomed");

        Assert.Equal("failed", status);
        Assert.Equal("instance_unreachable", (await _sandbox.RunRecordAsync("doomed")).GetProperty("reason").GetString());
        Assert.Contains("DSTK3028", logs.Output + logs.Error, StringComparison.Ordinal);
        Assert.Contains("retry: {on_events: [interruption]}", logs.Output + logs.Error, StringComparison.Ordinal);
    }

    [NetnsFact]
    public async Task HostKilledDuringARun_WithRetryOnInterruption_TheRunMovesToTheOtherHostAndFinishes()
    {
        var hosts = Hosts(2);
        _sandbox.Environment["DSTACK_SSH_RECONNECT_SECONDS"] = "4";
        _sandbox.Write(".dstack.yml", "type: task\nname: mover\nretry:\n  on_events: [interruption]\n  duration: 10m\ncommands:\n  - echo \"running on $(ip -4 -o addr show eth0 | awk '{print $4}')\"\n  - sleep 300\n");
        Assert.Equal(0, (await _sandbox.RunAsync("run", "-b", "ssh", "-y", "-d")).Code);
        await _sandbox.WaitForLogsAsync("mover", $"running on {hosts.Hosts[0].Address}/", Limit);

        hosts.KillHost(0);
        await _sandbox.WaitForLogsAsync("mover", $"running on {hosts.Hosts[1].Address}/", Limit);
        await _sandbox.RunAsync("stop", "mover");
        var status = await WaitForEndAsync("mover");
        var logs = await _sandbox.RunAsync("logs", "mover");
        var record = await _sandbox.RunRecordAsync("mover");

        Assert.Equal("terminated", status);
        Assert.Equal(2, record.GetProperty("attempt").GetInt32());
        Assert.Contains("job 0 moves from h0 to h1", logs.Output + logs.Error, StringComparison.Ordinal);
        Assert.Equal("ssh (h1)", record.GetProperty("backend").GetString());
    }

    private NetnsHosts Hosts(int count)
    {
        _hosts = new NetnsHosts(count);
        var lines = new List<string> { "ssh_hosts:" };
        for (var i = 0; i < count; i++)
        {
            lines.AddRange([$"  - name: h{i}", $"    user: {NetnsHosts.User}", $"    host: {_hosts.Hosts[i].Address}", $"    identity_file: {_hosts.ClientKey}"]);
        }

        File.WriteAllLines(Path.Combine(_sandbox.Home, "config.yml"), lines);
        _sandbox.Environment["DSTACK_SSH_CONFIG_INCLUDE"] = "0";
        return _hosts;
    }

    private async Task<string> WaitForEndAsync(string runName)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (true)
        {
            var status = (await _sandbox.RunRecordAsync(runName)).GetProperty("status").GetString()!;
            if (status is "done" or "failed" or "terminated" or "aborted")
            {
                return status;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{runName} did not end within {Limit.TotalSeconds} s: {status}");
            await Task.Delay(200);
        }
    }

    /// <summary>GETs <paramref name="url"/>, asking again for up to 30 s while nothing answers behind the tunnel yet.</summary>
    private static async Task<string> FetchAsync(HttpClient http, string url)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                return await http.GetStringAsync(url);
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }
}
