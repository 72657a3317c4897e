using System.Text.Json;

namespace Dstack.Cli.Tests;

public sealed class ExamplesTests
{
    /// <summary>Examples that show a warning on purpose (the warning is what they show), with its code.</summary>
    private static readonly Dictionary<string, string> WarnOnPurpose = new(StringComparer.Ordinal)
    {
        ["pipelines/.dstack/workflows/single.yaml"] = "DSTK2090",
    };

    public static TheoryData<string> Files() => [.. RepositoryLayout.ExampleFiles()];

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Validate_Example_ExitsZeroWithoutProblems(string relative)
    {
        var result = await Cli.RunAsync("validate", Path.Combine(RepositoryLayout.Examples, relative), "--format", "msbuild");

        Assert.True(result.ExitCode == DstackCommandLine.Success, result.ToString());
        if (WarnOnPurpose.TryGetValue(relative, out var code))
        {
            Assert.Matches($@"^[^\n]*\(\d+,\d+\): warning {code}: [^\n]*\n$", result.Output);
        }
        else
        {
            Assert.Equal(string.Empty, result.Output);
        }

        Assert.Equal(string.Empty, result.Error);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Example_FirstLine_IsAComment(string relative)
    {
        var first = File.ReadLines(Path.Combine(RepositoryLayout.Examples, relative)).First();

        Assert.StartsWith("# Shows: ", first, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Readme_ListsExample(string relative)
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryLayout.Examples, "README.md"));

        Assert.Contains($"]({relative})", readme, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_ExamplesFolder_FindsEveryExample()
    {
        var result = await Cli.RunAsync("validate", RepositoryLayout.Examples, "--format", "json");

        Assert.Equal(DstackCommandLine.Success, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        var found = json.RootElement.GetProperty("files").EnumerateArray()
            .Select(f => Path.GetRelativePath(RepositoryLayout.Examples, f.GetProperty("path").GetString()!).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
        Assert.Equal(RepositoryLayout.ExampleFiles(), found);
        Assert.All(json.RootElement.GetProperty("files").EnumerateArray(), f => Assert.Equal(
            WarnOnPurpose.TryGetValue(Path.GetRelativePath(RepositoryLayout.Examples, f.GetProperty("path").GetString()!).Replace('\\', '/'), out var code) ? [code] : [],
            f.GetProperty("diagnostics").EnumerateArray().Select(d => d.GetProperty("code").GetString())));
    }

    [Fact]
    public async Task Validate_GpuFreeExamples_AskForNoGpu()
    {
        var result = await Cli.RunAsync("validate", RepositoryLayout.Examples, "--format", "json");

        using var json = JsonDocument.Parse(result.Output);
        var withGpu = json.RootElement.GetProperty("files").EnumerateArray()
            .Where(f => f.GetProperty("configuration").TryGetProperty("resources", out var r) && r.ValueKind == JsonValueKind.Object &&
                r.TryGetProperty("gpu", out var gpu) && gpu.ValueKind != JsonValueKind.Null)
            .Select(f => Path.GetFileName(f.GetProperty("path").GetString()))
            .ToList();
        Assert.Equal(["train-gpu.dstack.yml"], withGpu);
    }

    [Fact]
    public async Task Validate_DistributedExample_FoldsTheMultiLineCommandIntoOne()
    {
        var result = await Cli.RunAsync("validate", Path.Combine(RepositoryLayout.Examples, "distributed.dstack.yml"), "--format", "json");

        using var json = JsonDocument.Parse(result.Output);
        var configuration = json.RootElement.GetProperty("files")[0].GetProperty("configuration");
        Assert.Equal(2, configuration.GetProperty("nodes").GetInt32());
        var commands = configuration.GetProperty("commands").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Equal(2, commands.Count);
        Assert.DoesNotContain('\n', commands[1]);
        Assert.Contains("--node-rank=$DSTACK_NODE_RANK --master-addr=$DSTACK_MASTER_NODE_IP", commands[1], StringComparison.Ordinal);
    }
}
