namespace Dstack.Cli.Tests.Runs;

/// <summary>
/// A run name becomes $DSTACK_HOME/runs/&lt;name&gt;, which a second run of the same name deletes. Names that are not
/// dstack's run names (<c>..</c>, <c>.</c>, absolute paths, spaces, capitals) are refused before anything is written or
/// deleted: exit 2, the rule and a fix in the message, $DSTACK_HOME and files elsewhere untouched.
/// </summary>
[Collection(RunCollection.Name)]
public sealed class RunNameSafetyTests : IDisposable
{
    private readonly DstackSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Theory]
    [InlineData("..", "choose one such as `my-run`")]
    [InlineData(".", "choose one such as `my-run`")]
    [InlineData("OUTSIDE", "; try `")]
    [InlineData("Bad Name", "try `bad-name`")]
    [InlineData("UPPER", "try `upper`")]
    [InlineData("runs/../..", "try `runs`")]
    public async Task Run_NameThatIsNotARunName_IsRefusedTwiceAndNothingIsDeleted(string name, string fix)
    {
        _sandbox.Write(".dstack.yml", "type: task\ncommands:\n  - echo hello-from-the-job\n");
        Assert.Equal(0, (await _sandbox.RunAsync("run", "-y", "-n", "keep-me")).Code);
        var keptLog = Path.Combine(_sandbox.Home, "runs", "keep-me", "logs", "job-0.log");
        var settings = Path.Combine(_sandbox.Home, "config.yml");
        var cached = Path.Combine(_sandbox.Home, "cache", "marker.txt");
        File.WriteAllText(settings, "ssh_hosts: []\n");
        Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
        File.WriteAllText(cached, "cached");
        var outside = Path.Combine(_sandbox.Tools, "victim");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "precious.txt"), "precious");
        var given = name == "OUTSIDE" ? outside : name;

        for (var attempt = 0; attempt < 2; attempt++)
        {
            var result = await _sandbox.RunAsync("run", "-y", "-n", given);

            Assert.True(result.Code == DstackCommandLine.UsageError, result.ToString());
            Assert.Contains($"DSTK3012: -n: `{given}` is not a valid run name: it must match '^[a-z][a-z0-9-]{{1,40}}$'", result.Error, StringComparison.Ordinal);
            Assert.Contains(fix, result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("hello-from-the-job", result.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        }

        Assert.True(File.Exists(Path.Combine(_sandbox.Home, "state.db")), "state.db is gone");
        Assert.Equal("ssh_hosts: []\n", File.ReadAllText(settings));
        Assert.Equal("cached", File.ReadAllText(cached));
        Assert.Contains("hello-from-the-job", File.ReadAllText(keptLog), StringComparison.Ordinal);
        Assert.Equal("precious", File.ReadAllText(Path.Combine(outside, "precious.txt")));
        var runs = await _sandbox.RunsAsync();
        Assert.Equal(["keep-me"], runs.EnumerateArray().Select(r => r.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Run_SameValidNameTwice_ReplacesOnlyThatRunsFolder()
    {
        _sandbox.Write(".dstack.yml", "type: task\ncommands:\n  - echo output-of-$MARK\n");
        Assert.Equal(0, (await _sandbox.RunAsync("run", "-y", "-n", "other-run", "-e", "MARK=other")).Code);
        Assert.Equal(0, (await _sandbox.RunAsync("run", "-y", "-n", "again", "-e", "MARK=first")).Code);
        var stale = Path.Combine(_sandbox.Home, "runs", "again", "stale.txt");
        File.WriteAllText(stale, "from the first run");

        var result = await _sandbox.RunAsync("run", "-y", "-n", "again", "-e", "MARK=second");

        Assert.True(result.Code == 0, result.ToString());
        Assert.False(File.Exists(stale), "the replaced run's folder was not removed");
        var logs = await _sandbox.RunAsync("logs", "again");
        Assert.Contains("output-of-second", logs.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("output-of-first", logs.Output, StringComparison.Ordinal);
        Assert.Contains("output-of-other", (await _sandbox.RunAsync("logs", "other-run")).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ConfigurationNameThatIsNotARunName_IsRefusedAndNothingIsDeleted()
    {
        _sandbox.Write(".dstack.yml", "type: task\nname: ..\ncommands:\n  - echo hello-from-the-job\n");
        var settings = Path.Combine(_sandbox.Home, "config.yml");
        File.WriteAllText(settings, "ssh_hosts: []\n");

        for (var attempt = 0; attempt < 2; attempt++)
        {
            var result = await _sandbox.RunAsync("run", "-y");

            Assert.True(result.Code == DstackCommandLine.ProblemsFound, result.ToString());
            Assert.Contains("DSTK2060", result.Error, StringComparison.Ordinal);
            Assert.Contains("Resource name should match regex '^[a-z][a-z0-9-]{1,40}$' (`..`)", result.Error, StringComparison.Ordinal);
        }

        Assert.Equal("ssh_hosts: []\n", File.ReadAllText(settings));
    }
}
