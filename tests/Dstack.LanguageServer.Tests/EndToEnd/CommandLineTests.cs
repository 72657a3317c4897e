using System.Diagnostics;
using Dstack.LanguageServer.Tests.Support;

namespace Dstack.LanguageServer.Tests.EndToEnd;

/// <summary><c>dstack-language-server</c>'s arguments: <c>--stdio</c>, <c>--help</c>, <c>--version</c>, and nothing else.</summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Help_PrintsUsageAndExitsZero(string flag)
    {
        var (code, output, error) = await RunAsync(flag);

        Assert.Equal(0, code);
        Assert.StartsWith("usage: dstack-language-server --stdio", output, StringComparison.Ordinal);
        Assert.Equal(string.Empty, error);
    }

    [Fact]
    public async Task Version_PrintsTheVersion()
    {
        var (code, output, _) = await RunAsync("--version");

        Assert.Equal(0, code);
        Assert.Matches(@"^dstack-language-server \d+\.\d+\.\d+\s*$", output);
    }

    [Theory]
    [InlineData]
    [InlineData("--bogus")]
    [InlineData("--stdio", "extra")]
    [InlineData("--pipe=/tmp/x")]
    [InlineData("stdio")]
    public async Task OtherArguments_PrintUsageOnStderrAndExitTwo(params string[] args)
    {
        var (code, output, error) = await RunAsync(args);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains("usage: dstack-language-server --stdio", error, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ServerProcess.ServerDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(Bounded.Limit);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        return (process.ExitCode, await output, await error);
    }
}
