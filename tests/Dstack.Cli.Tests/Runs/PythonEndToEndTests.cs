using System.Diagnostics;

namespace Dstack.Cli.Tests.Runs;

/// <summary><c>python: "X.Y"</c> on the local backend: the job's <c>python</c> and <c>python3</c> are that interpreter.</summary>
[Collection(RunCollection.Name)]
public sealed class PythonEndToEndTests : IDisposable
{
    private readonly DstackSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Run_PythonVersionOfThisMachine_IsThePythonTheJobRuns()
    {
        var version = MachinePython();
        _sandbox.Write(".dstack.yml", $"type: task\npython: \"{version}\"\ncommands:\n  - python --version\n  - python3 -c 'import sys; print(\"minor\", sys.version_info[:2])'\n");

        var result = await _sandbox.RunAsync("run", "-y");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains($"Python {version}.", result.Output, StringComparison.Ordinal);
        Assert.Contains($"minor ({version.Replace(".", ", ", StringComparison.Ordinal)})", result.Output, StringComparison.Ordinal);
    }

    /// <summary>The major.minor of the machine's python3 (the test script installs one).</summary>
    private static string MachinePython()
    {
        using var process = Process.Start(new ProcessStartInfo("python3", ["-c", "import sys; print(f'{sys.version_info[0]}.{sys.version_info[1]}')"]) { RedirectStandardOutput = true })!;
        var text = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return text;
    }
}
