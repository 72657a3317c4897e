using System.Runtime.Versioning;
using System.Text;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Tests.Ssh;

/// <summary>
/// dstack's ssh config and the Include line in ~/.ssh/config, in a temporary home folder: the real ~/.ssh is never read
/// or written.
/// </summary>
[UnsupportedOSPlatform("windows")]
[Trait("Category", "Fast")]
public sealed class SshClientConfigTests : IDisposable
{
    private readonly string _folder = Path.Combine("/tmp", "dsc-" + Guid.NewGuid().ToString("N")[..8]);

    public SshClientConfigTests() => Directory.CreateDirectory(_folder);

    private string UserHome => Path.Combine(_folder, "user");

    private DstackHome Home => new(Path.Combine(UserHome, ".dstack"));

    private SshClientConfig Config => new(Home, UserHome);

    private string UserConfig => Path.Combine(UserHome, ".ssh", "config");

    [Fact]
    public void AddRun_WritesOneHostEntryWithEverythingSshNeeds()
    {
        var host = new SshHost("gpu1", "ubuntu", "10.0.0.5", 2222, "/keys/id_ed25519", "me@jump:22");

        Config.AddRun("train-1", host, "/d/ssh/t-0123.sock");

        Assert.Equal(
            $"""
            # Written by dstack: one Host entry per run on an SSH host and per dev environment, updated as runs start and end; edits here are lost.

            Host train-1
                HostName 10.0.0.5
                User ubuntu
                Port 2222
                IdentityFile /keys/id_ed25519
                IdentitiesOnly yes
                ProxyJump me@jump:22
                UserKnownHostsFile {Home.KnownHostsFile}
                StrictHostKeyChecking accept-new
                HashKnownHosts no
                ControlMaster no
                ControlPath /d/ssh/t-0123.sock

            """.ReplaceLineEndings("\n"),
            File.ReadAllText(Config.Path));
    }

    [Fact]
    public void AddRun_AHostWithItsOwnKnownHosts_PointsSshThere()
    {
        var own = Home.InstanceKnownHostsFile("i-0abc");

        Config.AddRun("r", new SshHost("i-0abc", "ubuntu", "10.0.0.5", 22) { KnownHostsFile = own }, controlSocket: null);

        var text = File.ReadAllText(Config.Path);
        Assert.Contains($"    UserKnownHostsFile {own}\n    StrictHostKeyChecking accept-new\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Home.KnownHostsFile + "\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AddRun_WithoutTunnelOrOptionalSettings_LeavesThemOut()
    {
        Config.AddRun("r", new SshHost("h", "u", "box"), controlSocket: null);

        var text = File.ReadAllText(Config.Path);
        Assert.Contains("Host r\n    HostName box\n    User u\n    UserKnownHostsFile ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Port", text, StringComparison.Ordinal);
        Assert.DoesNotContain("IdentityFile", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Control", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AddRun_PathWithSpaceAndPercent_IsQuotedAndEscaped()
    {
        var entry = Config.Entry("r", new SshHost("h", "u", "box", IdentityFile: "/my keys/100%"), "/s");

        Assert.Contains("    IdentityFile \"/my keys/100%%\"\n", entry, StringComparison.Ordinal);
    }

    [Fact]
    public void AddRun_FileAndFolderArePrivate()
    {
        Config.AddRun("r", new SshHost("h", "u", "box"), null);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Config.Path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Home.SshFolder));
    }

    [Fact]
    public void AddAndRemoveRuns_KeepOtherRunsEntries()
    {
        var config = Config;
        config.AddRun("a", new SshHost("h", "u", "host-a"), null);
        config.AddRun("b", new SshHost("h", "u", "host-b"), "/s/b");
        config.AddRun("c", new SshHost("h", "u", "host-c"), null);

        config.AddRun("a", new SshHost("h", "u", "host-a2"), "/s/a");
        var removed = config.RemoveRun("b");

        Assert.True(removed);
        Assert.False(config.RemoveRun("b"));
        Assert.Equal(["a", "c"], config.RunNames());
        var text = File.ReadAllText(config.Path);
        Assert.Contains(config.Entry("a", new SshHost("h", "u", "host-a2"), "/s/a"), text, StringComparison.Ordinal);
        Assert.Contains(config.Entry("c", new SshHost("h", "u", "host-c"), null), text, StringComparison.Ordinal);
        Assert.DoesNotContain("host-b", text, StringComparison.Ordinal);
        Assert.DoesNotContain("host-a\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddRun_ManyWritersAtOnce_AllEntriesLand()
    {
        // Each writer has its own instance and file handles, as two dstack processes would.
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < 10; i++)
            {
                new SshClientConfig(Home, UserHome).AddRun($"w{w}-{i}", new SshHost("h", "u", $"host{w}"), null);
            }
        }));

        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(40, Config.RunNames().Count);
    }

    [Theory]
    [InlineData("two words")]
    [InlineData("star*")]
    [InlineData("-dash")]
    public void AddRun_NameThatCannotBeAHostName_Throws(string runName)
    {
        var error = Assert.Throws<ArgumentException>(() => Config.AddRun(runName, new SshHost("h", "u", "box"), null));

        Assert.Contains($"run name \"{runName}\" cannot be an ssh Host name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureIncluded_NoSshFolder_CreatesPrivateFolderAndFile()
    {
        var result = Config.EnsureIncluded();

        Assert.Equal(SshConfigInclusion.Added, result);
        Assert.Equal($"Include {Config.Path}\n", File.ReadAllText(UserConfig));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(UserConfig));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(UserConfig)!));
    }

    [Fact]
    public void EnsureIncluded_ExistingConfig_AddsTheLineFirstAndKeepsTheRestByteForByte()
    {
        byte[] original = [.. "Host *\r\n  ServerAliveInterval 30\n# café, no newline at the end\tHost x"u8];
        Directory.CreateDirectory(Path.GetDirectoryName(UserConfig)!);
        File.WriteAllBytes(UserConfig, original);
        File.SetUnixFileMode(UserConfig, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var result = Config.EnsureIncluded();

        Assert.Equal(SshConfigInclusion.Added, result);
        Assert.Equal([.. Encoding.UTF8.GetBytes($"Include {Config.Path}\n\n"), .. original], File.ReadAllBytes(UserConfig));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(UserConfig));
    }

    [Fact]
    public void EnsureIncluded_Twice_AddsTheLineOnce()
    {
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.GetDirectoryName(UserConfig)!).FullName, "config"), "Host a\n");
        Config.EnsureIncluded();
        var once = File.ReadAllBytes(UserConfig);

        var result = Config.EnsureIncluded();

        Assert.Equal(SshConfigInclusion.AlreadyIncluded, result);
        Assert.Equal(once, File.ReadAllBytes(UserConfig));
    }

    [Theory]
    [InlineData("Include ~/.dstack/ssh/config\n")]
    [InlineData("Host a\n  User b\n\ninclude = \"~/.dstack/ssh/config\"  # dstack\n")]
    [InlineData("Include ~/.ssh/extra ../.dstack/ssh/config\n")]
    public void EnsureIncluded_LineAlreadyThereInAnotherForm_IsRecognised(string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(UserConfig)!);
        File.WriteAllText(UserConfig, text);

        var result = Config.EnsureIncluded();

        Assert.Equal(SshConfigInclusion.AlreadyIncluded, result);
        Assert.Equal(text, File.ReadAllText(UserConfig));
    }

    [Fact]
    public void EnsureIncluded_SymlinkedConfig_EditsTheTargetAndKeepsTheLink()
    {
        var dotfiles = Directory.CreateDirectory(Path.Combine(_folder, "dotfiles")).FullName;
        File.WriteAllText(Path.Combine(dotfiles, "ssh_config"), "Host a\n");
        Directory.CreateDirectory(Path.GetDirectoryName(UserConfig)!);
        File.CreateSymbolicLink(UserConfig, Path.Combine(dotfiles, "ssh_config"));

        Config.EnsureIncluded();

        Assert.NotNull(new FileInfo(UserConfig).LinkTarget);
        Assert.Equal($"Include {Config.Path}\n\nHost a\n", File.ReadAllText(Path.Combine(dotfiles, "ssh_config")));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("false")]
    [InlineData("NO")]
    public void EnsureIncluded_OptedOut_LeavesUserConfigUntouchedAndTheHintPassesTheFile(string value)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(UserConfig)!);
        File.WriteAllText(UserConfig, "Host a\n");
        var config = SshClientConfig.FromEnvironment(Home, new Dictionary<string, string> { ["HOME"] = UserHome, [SshClientConfig.IncludeVariable] = value });

        var result = config.EnsureIncluded();

        Assert.Equal(SshConfigInclusion.OptedOut, result);
        Assert.Equal("Host a\n", File.ReadAllText(UserConfig));
        Assert.Equal($"ssh -F {Home.SshFolder}/config my-run", config.ConnectCommand("my-run"));
    }

    [Fact]
    public void FromEnvironment_HomeAndNoOptOut_IncludesAndTheHintIsPlainSsh()
    {
        var config = SshClientConfig.FromEnvironment(Home, new Dictionary<string, string> { ["HOME"] = UserHome, [SshClientConfig.IncludeVariable] = "1" });

        Assert.Equal(UserConfig, config.UserConfigPath);
        Assert.True(config.IncludesInUserConfig);
        Assert.Equal("ssh my-run", config.ConnectCommand("my-run"));
    }

    [Fact]
    public void ConnectCommand_PathWithSpace_IsShellQuoted()
    {
        var config = new SshClientConfig(new DstackHome("/a b/.dstack"), UserHome, includeInUserConfig: false);

        Assert.Equal("ssh -F '/a b/.dstack/ssh/config' r", config.ConnectCommand("r"));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder must not fail a test.
        }
    }
}
