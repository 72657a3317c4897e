using System.Text;
using System.Text.RegularExpressions;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.Containers;
using Dstack.Runtime.Processes;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Tests.Ssh;

/// <summary>
/// An SSH host's Docker engine through a real sshd on 127.0.0.1 (this machine's engine is "the host's"): the probe
/// finds it, the forward reaches it, a dropped master is replaced and the job's log resumes without duplicates, and
/// nothing is left behind.
/// </summary>
public sealed class SshDockerForwardTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private readonly LoopbackSshd _sshd = new();
    private readonly string _container = "dstack-fwd-" + Guid.NewGuid().ToString("N")[..8];

    private DstackHome Home => new(_sshd.DstackHome);

    public void Dispose()
    {
        ProgramOutput.Run("docker", ["rm", "--force", _container], null, TimeSpan.FromSeconds(30));
        _sshd.Dispose();
    }

    [SshDockerFact]
    public void Probe_HostWhoseUserCanUseTheEngine_SaysSo()
    {
        var probe = SshHostProbe.Probe(Home, _sshd.Host(), Limit);

        Assert.True(probe.Succeeded, probe.Problem?.ToString());
        Assert.True(probe.HasDockerEngine, probe.Output);
    }

    [Fact]
    public void Probe_HostWithoutAnEngineSocket_SaysNone()
    {
        using var bare = new LoopbackSshd(withoutDocker: true);

        var probe = SshHostProbe.Probe(new DstackHome(bare.DstackHome), bare.Host(), Limit);

        Assert.True(probe.Succeeded, probe.Problem?.ToString());
        Assert.False(probe.HasDockerEngine, probe.Output);
        Assert.Contains("dstack-docker no", probe.Output, StringComparison.Ordinal);
    }

    [SshDockerFact]
    public async Task Open_ReachesTheHostsEngine_AndDisposeTakesTheSocketAway()
    {
        using var connection = new SshConnection(Home, _sshd.Host());
        string socket;
        using (var forward = SshDockerForward.Open(connection, new SshReconnect(TimeSpan.FromSeconds(20))))
        {
            socket = forward.LocalSocket;
            Assert.StartsWith(Home.SshFolder, socket, StringComparison.Ordinal);
            Assert.True(await forward.Engine.Api.PingAsync(TimeSpan.FromSeconds(10), CancellationToken.None));
            Assert.NotNull(await forward.Engine.Api.ImageIdAsync(SshDockerFactAttribute.Image, CancellationToken.None));
            Assert.Equal("lo", forward.Engine.HostName);
        }

        Assert.False(File.Exists(socket), $"{socket} is left after the forward was disposed");
    }

    [Fact]
    public async Task EnsureImage_HostWhoseEngineIsGone_SaysItNeedsTheEngineThere()
    {
        // What a run meets when the engine went away after the probe: the forward is set up, the engine does not answer.
        using var bare = new LoopbackSshd(withoutDocker: true);
        var home = new DstackHome(bare.DstackHome);
        using var connection = new SshConnection(home, bare.Host());
        using var forward = SshDockerForward.Open(connection, new SshReconnect(TimeSpan.FromSeconds(5)));

        var e = await Assert.ThrowsAsync<ContainerStartException>(() => forward.Engine.EnsureImageAsync(SshDockerFactAttribute.Image, null, null, CancellationToken.None));

        Assert.Contains($"image: \"{SshDockerFactAttribute.Image}\" needs the Docker engine on lo", e.Message, StringComparison.Ordinal);
        Assert.Contains("start Docker there, or remove image:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_HostNotAnswering_NamesTheHostAndTheFix()
    {
        var port = LoopbackSshd.FreePort();
        using var connection = new SshConnection(Home, new SshHost("gone", LoopbackSshd.User, "127.0.0.1", port, _sshd.ClientKey));

        var e = Assert.Throws<ContainerStartException>(() => SshDockerForward.Open(connection, new SshReconnect(TimeSpan.FromSeconds(5))));

        Assert.Contains("image: the Docker engine of gone could not be reached over SSH", e.Message, StringComparison.Ordinal);
        Assert.Contains("or remove image:", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Home.SshFolder, "docker-*"));
    }

    [SshDockerFact]
    public async Task MasterDropsMidJob_TheForwardComesBack_AndTheLogResumesWithoutDuplicates()
    {
        using var connection = new SshConnection(Home, _sshd.Host());
        using var forward = SshDockerForward.Open(connection, new SshReconnect(TimeSpan.FromSeconds(30)));
        var request = new ContainerRequest
        {
            Image = SshDockerFactAttribute.Image,
            Name = _container,
            Command = ["/bin/sh", "-c", "i=1; while [ $i -le 12 ]; do echo line-$i; i=$((i+1)); sleep 0.5; done; exit 3"],
            Labels = new Dictionary<string, string> { [ContainerLaunch.JobLabel] = _container },
        };
        using var job = await ContainerJob.StartAsync(forward.Engine, request, CancellationToken.None);
        var output = new StringBuilder();
        var reading = Task.Run(async () =>
        {
            using var reader = new StreamReader(job.Stdout);
            while (await reader.ReadLineAsync() is { } line)
            {
                lock (output)
                {
                    output.AppendLine(line);
                }
            }
        });
        await WaitForAsync(() => { lock (output) { return output.ToString().Contains("line-2", StringComparison.Ordinal); } });

        var first = MasterPid();
        Assert.True(first is { } pid && Signals.SignalProcess(pid, Signals.Terminate), "the host's control master was not found");

        Assert.Equal(3, await job.Exited.WaitAsync(Limit));
        await reading.WaitAsync(Limit);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([.. Enumerable.Range(1, 12).Select(i => $"line-{i}")], lines);
        Assert.Null(job.LostReason);
        Assert.True(MasterPid() is { } second && second != first, "no new control master took over the forward");
        job.Remove();
        Assert.Equal(0, ProgramOutput.Run("docker", ["ps", "-aq", "--filter", $"name=^{_container}$"], null, TimeSpan.FromSeconds(30)).Output.Trim().Length);
    }

    /// <summary>The host's control master (SIGTERM ends it as a dropped link does: ssh exits, its forwards with it).</summary>
    private int? MasterPid()
    {
        var command = new SshCommand(Home, _sshd.Host());
        var check = ProgramOutput.Run(SshCommand.Program, [.. command.Options(shareConnection: true), "-O", "check", "--", _sshd.Host().Destination], null, TimeSpan.FromSeconds(10));
        var match = Regex.Match(check.Output + check.Error, @"pid=(\d+)");
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within the limit");
            await Task.Delay(50);
        }
    }
}
