using Dstack.Runtime.Backends.Ssh;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Tests.Ssh;

[Trait("Category", "Fast")]
public sealed class SshHostsConfigTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "dstack-hosts-" + Guid.NewGuid().ToString("N")[..8]);

    public SshHostsConfigTests() => Directory.CreateDirectory(_folder);

    private string ConfigFile => Path.Combine(_folder, "config.yml");

    [Fact]
    public void Read_MissingFile_IsAnEmptyPool()
    {
        var config = SshHostsConfig.Read(ConfigFile, out var problems);

        Assert.Empty(problems);
        Assert.Empty(config.Hosts);
    }

    [Fact]
    public void Write_ThenRead_GivesTheSameHosts()
    {
        SshHost[] hosts = [new("gpu1", "ubuntu", "10.0.0.5", 2222, "/keys/id ed25519", "bastion"), new("box", "me", "box.example.com")];

        Assert.Null(SshHostsConfig.Read(ConfigFile, out _).Write(hosts));
        var again = SshHostsConfig.Read(ConfigFile, out var problems);

        Assert.Empty(problems);
        Assert.Equal(hosts, again.Hosts);
    }

    [Fact]
    public void Write_KeepsOtherKeysAndCommentsAsWritten()
    {
        const string before = "# my settings\nproject: main\nssh_hosts:\n  - name: old\n    user: a\n    host: h\n# the server\nserver:\n  url: http://localhost:3000   # local\n";
        File.WriteAllText(ConfigFile, before);

        var written = SshHostsConfig.Read(ConfigFile, out _).Write([new SshHost("new", "b", "h2")]);
        var text = File.ReadAllText(ConfigFile);

        Assert.Null(written);
        Assert.StartsWith("# my settings\nproject: main\nbackends:\n  - type: ssh\n    hosts:\n      - name: \"new\"\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("ssh_hosts", text, StringComparison.Ordinal);
        Assert.EndsWith("# the server\nserver:\n  url: http://localhost:3000   # local\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("old", text, StringComparison.Ordinal);
        Assert.Equal("new", Assert.Single(SshHostsConfig.Read(ConfigFile, out _).Hosts).Name);
    }

    [Fact]
    public void Write_WithoutAHostsKey_AppendsTheBlockAndLeavesNoTemporaryFile()
    {
        File.WriteAllText(ConfigFile, "project: main");

        SshHostsConfig.Read(ConfigFile, out _).Write([new SshHost("a", "u", "h")]);

        Assert.StartsWith("project: main\nbackends:\n  - type: ssh\n    hosts:\n", File.ReadAllText(ConfigFile), StringComparison.Ordinal);
        Assert.Equal(["config.yml"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void Write_NoHosts_WritesAnEmptyList()
    {
        File.WriteAllText(ConfigFile, "ssh_hosts:\n  - name: a\n    user: u\n    host: h\nother: 1\n");

        SshHostsConfig.Read(ConfigFile, out _).Write([]);

        Assert.Equal("backends:\n  - type: ssh\n    hosts: []\nother: 1\n", File.ReadAllText(ConfigFile));
    }

    [Theory]
    [InlineData("ssh_hosts:\n  - name: a\n    user: [u\n", 4, "")]
    [InlineData("ssh_hosts:\n  - name: a\n    user: u\n    host: h\n    port: 70000\n", 5, "port is the number 70000")]
    [InlineData("ssh_hosts:\n  - name: a\n    user: u\n    hots: h\n", 4, "did you mean host?")]
    [InlineData("ssh_hosts: box\n", 1, "must be a list of hosts")]
    [InlineData("ssh_hosts:\n  - name: a\n    user: u\n    host: h\n  - name: a\n    user: v\n    host: g\n", 5, "used twice")]
    [InlineData("backends:\n  - type: ssh\n    hosts:\n      - name: a\n        user: u\n        host: h\n        port: 0\n", 7, "port is the number 0")]
    [InlineData("backends:\n  - type: ssh\n    hostz: []\n", 3, "did you mean hosts?")]
    [InlineData("backends:\n  - type: ssh\n    hosts: box\n", 3, "`hosts` of the ssh backend is the string")]
    [InlineData("backends: ssh\n", 1, "must be a list of backends")]
    [InlineData("backends:\n  - hosts: []\n", 2, "has no `type`")]
    [InlineData("backends:\n  - type: ssh\n  - type: ssh\n", 3, "configured twice")]
    [InlineData("- type: ssh\n", 1, "must be a mapping of settings")]
    public void Read_Malformed_ReportsFileLineAndColumn(string text, int line, string words)
    {
        File.WriteAllText(ConfigFile, text);

        var config = SshHostsConfig.Read(ConfigFile, out var problems);

        var problem = Assert.Single(problems, p => p.IsError);
        Assert.Empty(config.Hosts);
        Assert.Equal(line, problem.Span.StartLine);
        Assert.Equal(ConfigFile, problem.Path);
        Assert.StartsWith($"{ConfigFile}({line},", problem.ToString(), StringComparison.Ordinal);
        Assert.Contains(words, problem.Message, StringComparison.Ordinal);
        if (words.Length > 0)
        {
            Assert.Equal(DiagnosticCodes.HostsConfigInvalid, problem.Code);
        }
    }

    [Fact]
    public void Write_MalformedFile_IsRefusedAndLeftAlone()
    {
        const string broken = "ssh_hosts: [\n";
        File.WriteAllText(ConfigFile, broken);
        var config = SshHostsConfig.Read(ConfigFile, out _);

        var problem = config.Write([new SshHost("a", "u", "h")]);

        Assert.NotNull(problem);
        Assert.Equal(broken, File.ReadAllText(ConfigFile));
    }

    [Fact]
    public void Read_BackendsEntryAndOldList_GivesTheHostsOfBoth()
    {
        File.WriteAllText(ConfigFile, "backends:\n  - type: ssh\n    hosts:\n      - name: new\n        user: u\n        host: h1\nssh_hosts:\n  - name: old\n    user: v\n    host: h2\n    port: 2222\n");

        var config = SshHostsConfig.Read(ConfigFile, out var problems);

        Assert.Empty(problems);
        Assert.True(config.HasOldHostsKey);
        Assert.Equal([new SshHost("new", "u", "h1"), new SshHost("old", "v", "h2", 2222)], config.Hosts);
    }

    [Fact]
    public void Read_ANameInBothPlaces_IsAnErrorNamingBoth()
    {
        File.WriteAllText(ConfigFile, "backends:\n  - type: ssh\n    hosts:\n      - name: gpu1\n        user: u\n        host: h1\nssh_hosts:\n  - name: gpu1\n    user: v\n    host: h2\n");

        var config = SshHostsConfig.Read(ConfigFile, out var problems);

        var problem = Assert.Single(problems);
        Assert.Empty(config.Hosts);
        Assert.True(problem.IsError);
        Assert.Equal((8, 11), (problem.Span.StartLine, problem.Span.StartColumn));
        Assert.Contains("gpu1 is in both `hosts` of the ssh backend (line 4) and `ssh_hosts` (line 8)", problem.Message, StringComparison.Ordinal);
        Assert.Contains("rename or remove one", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_OldList_MovesUnderBackendsKeepingEveryOtherLine()
    {
        const string before = "# settings\nproject: main\n\nbackends:\n  # this machine\n  - type: local\n    enabled: true\n\n# the pool, as it was\nssh_hosts:\n  - name: a\n    user: u\n    host: h\n\nserver:\n  url: x   # kept\n";
        File.WriteAllText(ConfigFile, before);
        var config = SshHostsConfig.Read(ConfigFile, out _);

        var problem = config.Write([.. config.Hosts, new SshHost("b", "w", "g", 22)]);

        Assert.Null(problem);
        Assert.Equal(
            "# settings\nproject: main\n\nbackends:\n  # this machine\n  - type: local\n    enabled: true\n  - type: ssh\n    hosts:\n      - name: \"a\"\n        user: \"u\"\n        host: \"h\"\n      - name: \"b\"\n        user: \"w\"\n        host: \"g\"\n        port: 22\n\n# the pool, as it was\n\nserver:\n  url: x   # kept\n",
            File.ReadAllText(ConfigFile));
        var again = SshHostsConfig.Read(ConfigFile, out var problems);
        Assert.Empty(problems);
        Assert.False(again.HasOldHostsKey);
        Assert.Equal(["a", "b"], again.Hosts.Select(h => h.Name));
    }

    [Fact]
    public void Write_SshEntry_ReplacesOnlyItsHosts()
    {
        const string before = "backends:\n- type: ssh\n  # my hosts\n  hosts:\n  - name: a\n    user: u\n    host: h\n  # after the hosts\n- type: local\nother: 1\n";
        File.WriteAllText(ConfigFile, before);

        var problem = SshHostsConfig.Read(ConfigFile, out _).Write([new SshHost("c", "u", "h3")]);

        Assert.Null(problem);
        Assert.Equal(
            "backends:\n- type: ssh\n  # my hosts\n  hosts:\n    - name: \"c\"\n      user: \"u\"\n      host: \"h3\"\n  # after the hosts\n- type: local\nother: 1\n",
            File.ReadAllText(ConfigFile));
    }

    [Fact]
    public void Write_SshEntryWithoutHosts_AddsThemToIt()
    {
        File.WriteAllText(ConfigFile, "backends:\n  - type: ssh\n  - type: aws\n    regions: [us-east-1]\n");

        var problem = SshHostsConfig.Read(ConfigFile, out _).Write([new SshHost("a", "u", "h")]);

        Assert.Null(problem);
        Assert.Equal(
            "backends:\n  - type: ssh\n    hosts:\n      - name: \"a\"\n        user: \"u\"\n        host: \"h\"\n  - type: aws\n    regions: [us-east-1]\n",
            File.ReadAllText(ConfigFile));
    }

    [Theory]
    [InlineData("backends: [{type: local}]\n", "`backends` is written as one [...] list")]
    [InlineData("backends:\n  - {type: ssh, hosts: []}\n", "the ssh entry of `backends` is written as one {...} mapping")]
    [InlineData("{ssh_hosts: []}\n", "config.yml is written as one {...} mapping")]
    public void Write_FlowStyle_IsRefusedAndLeftAlone(string text, string words)
    {
        File.WriteAllText(ConfigFile, text);

        var problem = SshHostsConfig.Read(ConfigFile, out _).Write([new SshHost("a", "u", "h")]);

        Assert.NotNull(problem);
        Assert.Contains(words, problem.Message, StringComparison.Ordinal);
        Assert.Equal(text, File.ReadAllText(ConfigFile));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
