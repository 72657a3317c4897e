using System.Diagnostics;
using System.Text.Json;

namespace Dstack.Cli.Tests;

/// <summary>The built <c>dstack</c> program, run as a real process (as CI and MSBuild run it), with redirected output.</summary>
public sealed class ProcessTests
{
    private static readonly string DstackDll = Path.Combine(AppContext.BaseDirectory, "dstack.dll");

    [Fact]
    public async Task Process_ValidateExamples_ExitsZeroWithAPlainSummary()
    {
        var (code, output, error) = await RunAsync("validate", RepositoryLayout.Examples);

        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        Assert.DoesNotContain('\u001b', output);
        // The one warning is on purpose: examples/pipelines/.dstack/workflows/single.yaml writes `workflows:` as one
        // mapping, as dstack's own example did, to show it is read (docs/pipelines.md).
        Assert.Matches(@"\n\d+ files checked: 0 errors, 1 warning$", output.TrimEnd());
        Assert.Contains("single.yaml(3,3): warning DSTK2090: ", output, StringComparison.Ordinal);
        Assert.Equal(string.Empty, error);
    }

    [Fact]
    public async Task Process_ValidateBrokenFile_ExitsOneWithCanonicalLines()
    {
        using var folder = new TempFolder();
        var file = folder.Write("bad.dstack.yml", "type: task\ncommands:\n  - echo hi\nresources:\n  memory: 80GB..40GB\n");

        var (code, output, _) = await RunAsync("validate", file, "--format", "msbuild");

        Assert.Equal(1, code);
        Assert.StartsWith($"{file}(5,11): error DSTK2003: ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Process_ValidateJson_IsParseable()
    {
        var (code, output, _) = await RunAsync("validate", Path.Combine(RepositoryLayout.Examples, "hello.dstack.yml"), "--format", "json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("hello", json.RootElement.GetProperty("files")[0].GetProperty("configuration").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Process_UnknownOption_ExitsTwo()
    {
        var (code, output, error) = await RunAsync("validate", "--bogus");

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains("--bogus", error, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        Assert.True(File.Exists(DstackDll), $"{DstackDll} is missing: the test project must reference Dstack.Cli");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryLayout.Root,
        };
        start.ArgumentList.Add(DstackDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("NO_COLOR");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
