using System.Text.Json;
using Dstack.Cli.Runs;
using Dstack.Runtime.State;
using Dstack.Runtime.Tests.Ssh;

namespace Dstack.Cli.Tests.Pool;

/// <summary><c>dstack pool add-ssh / list / remove</c> against a real sshd on 127.0.0.1, with a private $DSTACK_HOME.</summary>
public sealed class PoolCommandTests : IDisposable
{
    private readonly LoopbackSshd _sshd = new();

    private string ConfigFile => Path.Combine(_sshd.DstackHome, "config.yml");

    [Fact]
    public async Task AddSsh_ThenList_ShowsTheRealCoresAndMemoryOfThisMachine()
    {
        var add = await PoolAsync("add-ssh", $"{LoopbackSshd.User}@127.0.0.1", "-p", Port, "-i", _sshd.ClientKey, "--name", "lo");
        var list = await PoolAsync("list", "--json");

        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Contains($"Added lo ({LoopbackSshd.User}@127.0.0.1:{Port}): {Environment.ProcessorCount}xCPU", add.Output, StringComparison.Ordinal);
        var host = JsonDocument.Parse(list.Output).RootElement.GetProperty("hosts")[0];
        Assert.Equal("lo", host.GetProperty("name").GetString());
        Assert.True(host.GetProperty("reachable").GetBoolean(), list.Output);
        Assert.Equal(Environment.ProcessorCount, host.GetProperty("resources").GetProperty("cpus").GetInt32());
        Assert.True(host.GetProperty("resources").GetProperty("memory_gb").GetDouble() > 0.1, list.Output);
        Assert.Contains(":" + Port, File.ReadAllText(Path.Combine(_sshd.DstackHome, "ssh", "known_hosts")), StringComparison.Ordinal);
    }

    [Runs.DockerFact]
    public async Task List_HostWhoseUserCanUseDocker_SaysSo()
    {
        await PoolAsync("add-ssh", $"{LoopbackSshd.User}@127.0.0.1", "-p", Port, "-i", _sshd.ClientKey, "--name", "lo");

        var json = await PoolAsync("list", "--json");
        var table = await PoolAsync("list");

        Assert.True(JsonDocument.Parse(json.Output).RootElement.GetProperty("hosts")[0].GetProperty("docker").GetBoolean(), json.Output);
        Assert.Contains("(disk), Docker", table.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_HostWithoutDocker_SaysNone()
    {
        using var bare = new LoopbackSshd(withoutDocker: true);
        var add = await PoolAsync("add-ssh", $"{LoopbackSshd.User}@127.0.0.1", "-p", bare.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", bare.ClientKey, "--name", "bare");

        var json = await PoolAsync("list", "--json");
        var table = await PoolAsync("list");

        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.False(JsonDocument.Parse(json.Output).RootElement.GetProperty("hosts")[0].GetProperty("docker").GetBoolean(), json.Output);
        Assert.DoesNotContain("Docker", table.Output, StringComparison.Ordinal);
        Assert.Contains("(disk)", table.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddSsh_NameDefaultsToTheHost_AndADuplicateIsRefused()
    {
        var first = await PoolAsync("add-ssh", $"{LoopbackSshd.User}@127.0.0.1", "-p", Port, "-i", _sshd.ClientKey);
        var second = await PoolAsync("add-ssh", $"{LoopbackSshd.User}@127.0.0.1", "-p", Port, "-i", _sshd.ClientKey);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(DstackCommandLine.ProblemsFound, second.ExitCode);
        Assert.Contains("DSTK3023: the pool already has a host named 127.0.0.1", second.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddSsh_Unreachable_IsRefusedUnlessNoProbe()
    {
        var closed = LoopbackSshd.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var refused = await PoolAsync("add-ssh", $"{LoopbackSshd.User}@127.0.0.1", "-p", closed, "--name", "down");
        var forced = await PoolAsync("add-ssh", $"{LoopbackSshd.User}@127.0.0.1", "-p", closed, "--name", "down", "--no-probe");
        var list = await PoolAsync("list");

        Assert.Equal(DstackCommandLine.ProblemsFound, refused.ExitCode);
        Assert.Contains("DSTK3020", refused.Error, StringComparison.Ordinal);
        Assert.Contains("--no-probe", refused.Error, StringComparison.Ordinal);
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Contains("unreachable: DSTK3020", list.Output, StringComparison.Ordinal);
        Assert.Contains("Connection refused", list.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_AfterTheHostKeyChanged_SaysSoAndHowToFixIt()
    {
        await PoolAsync("add-ssh", $"{LoopbackSshd.User}@127.0.0.1", "-p", Port, "-i", _sshd.ClientKey, "--name", "lo");

        _sshd.RestartWithNewHostKey();
        var list = await PoolAsync("list");

        Assert.Contains("unreachable: DSTK3022 the host key of lo", list.Output, StringComparison.Ordinal);
        Assert.Contains("ssh-keygen -R", list.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Remove_TakesTheHostOutAndKeepsOtherKeys()
    {
        Directory.CreateDirectory(_sshd.DstackHome);
        File.WriteAllText(ConfigFile, "project: main\n");
        await PoolAsync("add-ssh", $"{LoopbackSshd.User}@127.0.0.1", "-p", Port, "-i", _sshd.ClientKey, "--name", "lo");
        var probes = Path.Combine(_sshd.DstackHome, "ssh", "probes");
        var listed = await PoolAsync("list");
        Assert.True(Directory.EnumerateFiles(probes, "lo-*").Any(), listed.ToString());

        var remove = await PoolAsync("remove", "lo");
        var again = await PoolAsync("remove", "lo");
        var list = await PoolAsync("list");

        Assert.True(remove.ExitCode == 0, remove.ToString());
        Assert.Equal("project: main\nbackends:\n  - type: ssh\n    hosts: []\n", File.ReadAllText(ConfigFile));
        Assert.Contains("DSTK3024: no SSH host named lo", again.Error, StringComparison.Ordinal);
        Assert.Contains("No SSH hosts in the pool", list.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(probes, "lo-*"));
    }

    [Fact]
    public async Task List_MalformedConfig_ReportsFileLineAndColumn()
    {
        Directory.CreateDirectory(_sshd.DstackHome);
        File.WriteAllText(ConfigFile, "ssh_hosts:\n  - name: a\n    user: u\n    host: h\n    port: many\n");

        var list = await PoolAsync("list");

        Assert.Equal(DstackCommandLine.ProblemsFound, list.ExitCode);
        Assert.StartsWith($"{ConfigFile}(5,11): error DSTK3019: port is the string \"many\"", list.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Remove_FromTheOldSshHostsList_MovesTheRestUnderBackendsAndSaysSoOnce()
    {
        Directory.CreateDirectory(_sshd.DstackHome);
        File.WriteAllText(ConfigFile, "# mine\nproject: main\nssh_hosts:\n  - name: a\n    user: u\n    host: h1\n  - name: b\n    user: u\n    host: h2\n\nother: 1  # kept\n");

        var first = await PoolAsync("remove", "a");
        var second = await PoolAsync("remove", "b");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal("config.yml: moved ssh_hosts under backends (type: ssh)\n", first.Error.ReplaceLineEndings("\n"));
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Empty(second.Error);
        Assert.Equal("# mine\nproject: main\nbackends:\n  - type: ssh\n    hosts: []\n\nother: 1  # kept\n", File.ReadAllText(ConfigFile));
    }

    [Theory]
    [InlineData("box", "is not USER@HOST")]
    [InlineData("u@h -p 0", "-p 0 is not a TCP port")]
    [InlineData("u@h -i /no/such/key", "there is no key file at /no/such/key")]
    [InlineData("u@h --name a/b", "`a/b` is not a valid host name for the pool")]
    public async Task AddSsh_MalformedOptions_AreUsageErrors(string arguments, string words)
    {
        var result = await PoolAsync(["add-ssh", .. arguments.Split(' ')]);

        Assert.Equal(DstackCommandLine.UsageError, result.ExitCode);
        Assert.Contains("DSTK3012", result.Error, StringComparison.Ordinal);
        Assert.Contains(words, result.Error, StringComparison.Ordinal);
    }

    public void Dispose() => _sshd.Dispose();

    private string Port => _sshd.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async Task<CliResult> PoolAsync(params string[] args)
    {
        var home = new DstackHome(_sshd.DstackHome);
        var context = new CliContext(CliContext.ProcessEnvironment(), home, _sshd.Folder, Interactive: false, CliContext.LocateController());
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await DstackCommandLine.RunAsync(["pool", .. args], output, error, () => context);
        return new CliResult(code, output.ToString(), error.ToString());
    }
}
