using System.Text.RegularExpressions;

namespace Dstack.Cli.Tests;

[Trait("Category", "Fast")]
public sealed partial class OutputFormatTests
{
    private const string Broken = "type: task\ncommands:\n  - echo hi\nports:\n  - 70000\nresources:\n  memory: 80GB..40GB\n  gpu: 4090\n";

    [Fact]
    public async Task ValidateMsbuild_Problems_AreCanonicalLinesOnly()
    {
        using var folder = new TempFolder();
        var file = folder.Write("bad.dstack.yml", Broken);

        var result = await Cli.RunAsync("validate", file, "--format", "msbuild");

        Assert.Equal(DstackCommandLine.ProblemsFound, result.ExitCode);
        var lines = result.Output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, line => Assert.Matches(CanonicalLine(), line));
        Assert.StartsWith($"{file}(5,5): error DSTK2030: ", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"{file}(7,11): error DSTK2003: ", lines[1], StringComparison.Ordinal);
        Assert.StartsWith($"{file}(8,8): warning DSTK2011: ", lines[2], StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Error);
    }

    [Fact]
    public async Task ValidateMsbuild_CleanFile_PrintsNothing()
    {
        using var folder = new TempFolder();
        var file = folder.Write("ok.dstack.yml", "type: task\ncommands:\n  - echo hi\n");

        var result = await Cli.RunAsync("validate", file, "--format", "msbuild");

        Assert.Equal(string.Empty, result.Output);
    }

    [Fact]
    public async Task ValidateText_Redirected_HasNoAnsiCodesAndEndsWithASummary()
    {
        using var folder = new TempFolder();
        var file = folder.Write("bad.dstack.yml", Broken);

        var result = await Cli.RunAsync("validate", file);

        Assert.DoesNotContain('\u001b', result.Output);
        var lines = result.Output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("1 file checked: 2 errors, 1 warning", lines[^1]);
        Assert.All(lines[..^1], line => Assert.Matches(CanonicalLine(), line));
    }

    [Fact]
    public async Task ValidateText_CleanFiles_SummaryCountsThem()
    {
        using var folder = new TempFolder();
        folder.Write("a.dstack.yml", "type: task\ncommands:\n  - echo a\n");
        folder.Write("b/b.dstack.yaml", "type: task\ncommands:\n  - echo b\n");

        var result = await Cli.RunAsync("validate", folder.Path);

        Assert.Equal("2 files checked: 0 errors, 0 warnings" + Environment.NewLine, result.Output);
    }

    [Fact]
    public async Task ValidateText_NoColorOption_IsAccepted()
    {
        using var folder = new TempFolder();
        var file = folder.Write("ok.dstack.yml", "type: task\ncommands:\n  - echo hi\n");

        var result = await Cli.RunAsync("validate", file, "--no-color");

        Assert.Equal(DstackCommandLine.Success, result.ExitCode);
        Assert.DoesNotContain('\u001b', result.Output);
    }

    [GeneratedRegex(@"^.+\(\d+,\d+\): (error|warning|info) DSTK\d{4}: \S.*$")]
    internal static partial Regex CanonicalLine();
}
