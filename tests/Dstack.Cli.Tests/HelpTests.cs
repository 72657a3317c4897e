namespace Dstack.Cli.Tests;

[Trait("Category", "Fast")]
public sealed class HelpTests
{
    [Theory]
    [InlineData(new[] { "--help" }, "validate")]
    [InlineData(new[] { "-h" }, "schema")]
    [InlineData(new[] { "validate", "--help" }, "--format")]
    [InlineData(new[] { "validate", "-h" }, "PATH")]
    [InlineData(new[] { "schema", "--help" }, "--profiles")]
    [InlineData(new[] { "schema", "-h" }, "--workflows")]
    public async Task Help_PrintsUsageAndExitsZero(string[] args, string mentions)
    {
        var result = await Cli.RunAsync(args);

        Assert.Equal(DstackCommandLine.Success, result.ExitCode);
        Assert.Contains("Usage:", result.Output, StringComparison.Ordinal);
        Assert.Contains(mentions, result.Output, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Error);
    }

    [Theory]
    [InlineData("validate [<PATH>...]")]
    [InlineData("run [<DIR>]")]
    [InlineData("apply [<DIR>]")]
    [InlineData("build [<DIR>]")]
    [InlineData("logs <RUN>")]
    public async Task Help_CommandsList_ShowsWhichArgumentsMayBeLeftOut(string label)
    {
        var result = await Cli.RunAsync(["--help"]);

        var line = Assert.Single(result.Output.Split('\n'), l => l.StartsWith($"  {label.Split(' ')[0]} ", StringComparison.Ordinal));
        Assert.StartsWith($"  {label}  ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_CommandsList_KeepsTheDescriptionsInOneColumn()
    {
        var result = await Cli.RunAsync(["--help"]);

        var entries = result.Output.Split('\n').SkipWhile(l => l.TrimEnd() != "Commands:").Skip(1).TakeWhile(l => l.Trim().Length > 0).ToList();
        var columns = entries.Where(l => l.Length > 2 && l[2] != ' ').Select(l => l.IndexOf("  ", 2, StringComparison.Ordinal) is var gap && gap > 0 ? gap + l[gap..].TakeWhile(c => c == ' ').Count() : -1).Distinct().ToList();
        var column = Assert.Single(columns);
        Assert.All(entries.Where(l => l.Length > 2 && l[2] == ' '), wrapped => Assert.Equal(column, wrapped.TakeWhile(c => c == ' ').Count()));
    }

    [Fact]
    public async Task Help_Top_PromisesOnlyTheBackendsThatExist()
    {
        var result = await Cli.RunAsync(["--help"]);

        Assert.DoesNotContain("cloud", result.Output, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("on this machine or on SSH hosts", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_Run_NamesEveryBackendOfDashB()
    {
        var result = await Cli.RunAsync(["run", "--help"]);

        Assert.DoesNotContain("Here: local.", result.Output, StringComparison.Ordinal);
        Assert.Contains("local (this machine) or ssh (the hosts of dstack pool add-ssh)", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--port")]
    [InlineData("--host")]
    [InlineData("--reload")]
    [InlineData("--build ")]
    [InlineData("--retry ")]
    [InlineData("--no-retry")]
    [InlineData("--retry-duration")]
    public async Task Help_Build_LeavesOutOptionsThatMeanNothingForABuild(string option)
    {
        var build = await Cli.RunAsync(["build", "--help"]);
        var run = await Cli.RunAsync(["run", "--help"]);

        Assert.DoesNotContain(option, build.Output, StringComparison.Ordinal);
        Assert.Contains(option, run.Output, StringComparison.Ordinal);
        Assert.Contains("--force-build", build.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_EveryPlaceholder_IsUpperCase()
    {
        string[][] commands = [[], ["validate"], ["run"], ["build"], ["ps"], ["logs"], ["stop"], ["attach"], ["pool"], ["pool", "add-ssh"], ["pool", "list"], ["pool", "remove"], ["schema"],
            ["artifacts"], ["artifacts", "list"], ["artifacts", "download"], ["tags"], ["tags", "add"], ["tags", "list"], ["tags", "delete"], ["prune"], ["prune", "cache"]];
        foreach (var command in commands)
        {
            var result = await Cli.RunAsync([.. command, "--help"]);

            var lower = System.Text.RegularExpressions.Regex.Matches(result.Output, "<([^>|]+)>").Select(m => m.Groups[1].Value).Where(p => p != p.ToUpperInvariant());
            Assert.True(!lower.Any(), $"dstack {string.Join(' ', command)} --help has lower-case placeholders: {string.Join(", ", lower)}");
        }
    }
}
