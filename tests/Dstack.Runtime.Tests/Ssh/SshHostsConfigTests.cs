using Dstack.Runtime.Backends.Ssh;
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
        Assert.StartsWith("# my settings\nproject: main\nssh_hosts:\n  - name: \"new\"\n", text, StringComparison.Ordinal);
        Assert.EndsWith("# the server\nserver:\n  url: http://localhost:3000   # local\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("old", text, StringComparison.Ordinal);
        Assert.Equal("new", Assert.Single(SshHostsConfig.Read(ConfigFile, out _).Hosts).Name);
    }

    [Fact]
    public void Write_WithoutAHostsKey_AppendsTheBlockAndLeavesNoTemporaryFile()
    {
        File.WriteAllText(ConfigFile, "project: main");

        SshHostsConfig.Read(ConfigFile, out _).Write([new SshHost("a", "u", "h")]);

        Assert.StartsWith("project: main\nssh_hosts:\n", File.ReadAllText(ConfigFile), StringComparison.Ordinal);
        Assert.Equal(["config.yml"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void Write_NoHosts_WritesAnEmptyList()
    {
        File.WriteAllText(ConfigFile, "ssh_hosts:\n  - name: a\n    user: u\n    host: h\nother: 1\n");

        SshHostsConfig.Read(ConfigFile, out _).Write([]);

        Assert.Equal("ssh_hosts: []\nother: 1\n", File.ReadAllText(ConfigFile));
    }

    [Theory]
    [InlineData("ssh_hosts:\n  - name: a\n    user: [u\n", 4, "")]
    [InlineData("ssh_hosts:\n  - name: a\n    user: u\n    host: h\n    port: 70000\n", 5, "port is the number 70000")]
    [InlineData("ssh_hosts:\n  - name: a\n    user: u\n    hots: h\n", 4, "did you mean host?")]
    [InlineData("ssh_hosts: box\n", 1, "must be a list of hosts")]
    [InlineData("ssh_hosts:\n  - name: a\n    user: u\n    host: h\n  - name: a\n    user: v\n    host: g\n", 5, "used twice")]
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

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
