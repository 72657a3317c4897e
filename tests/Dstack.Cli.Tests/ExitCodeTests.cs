namespace Dstack.Cli.Tests;

[Trait("Category", "Fast")]
public sealed class ExitCodeTests
{
    [Fact]
    public async Task Validate_CleanFile_ExitsZero()
    {
        using var folder = new TempFolder();
        var file = folder.Write("ok.dstack.yml", "type: task\ncommands:\n  - echo hi\n");

        var result = await Cli.RunAsync("validate", file);

        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task Validate_FileWithOnlyWarnings_ExitsZero()
    {
        using var folder = new TempFolder();
        var file = folder.Write("warn.dstack.yml", "type: task\ncommands:\n  - echo hi\nports:\n  - 8080:22\n");

        var result = await Cli.RunAsync("validate", file);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("warning DSTK1015", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_FileWithErrors_ExitsOne()
    {
        using var folder = new TempFolder();
        var file = folder.Write("bad.dstack.yml", "type: task\n");

        var result = await Cli.RunAsync("validate", file);

        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public async Task Validate_MissingPath_ExitsTwo()
    {
        using var folder = new TempFolder();

        var result = await Cli.RunAsync("validate", Path.Combine(folder.Path, "missing.dstack.yml"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("DSTK0001", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_MissingPathBesideAnErrorFile_ExitsTwo()
    {
        using var folder = new TempFolder();
        var bad = folder.Write("bad.dstack.yml", "type: task\n");

        var result = await Cli.RunAsync("validate", bad, Path.Combine(folder.Path, "missing.dstack.yml"));

        Assert.Equal(2, result.ExitCode);
    }

    [Theory]
    [InlineData("validate", "--bogus")]
    [InlineData("validate", "--format", "xml")]
    [InlineData("validate", "--format")]
    [InlineData("frobnicate")]
    [InlineData("schema", "--bogus")]
    public async Task Run_BadUsage_ExitsTwoWithAMessageOnStderr(params string[] args)
    {
        var result = await Cli.RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Output);
        Assert.Contains("--help", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BadOption_NamesTheOption()
    {
        var result = await Cli.RunAsync("validate", "--bogus");

        Assert.Contains("--bogus", result.Error, StringComparison.Ordinal);
    }
}
