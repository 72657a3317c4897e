using System.Diagnostics;

namespace Dstack.Tasks.Tests;

/// <summary>
/// README's main job, exactly: <c>dotnet build examples/msbuild -t:DstackRun -tl:off -p:DstackArgs="one 'two words'"</c>
/// from the repository root. The sample builds the task and the CLI from source, runs its .dstack.yml on this
/// machine, and the job builds and runs the app.
/// </summary>
public sealed class ExampleProjectTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task ReadmeMainJob_RunsTheSampleThroughMSBuild_AndItsOutputIsInTheBuildLog()
    {
        using var home = new TempFolder();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = TestPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])["build", "examples/msbuild", "-t:DstackRun", "-tl:off", "-p:DstackArgs=one 'two words'"])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in (string[])["MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly"])
        {
            start.Environment.Remove(name);
        }

        start.Environment["DSTACK_HOME"] = home.Path;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the main job ran past {Limit}");
        }

        var log = await output + await error;

        Assert.True(process.ExitCode == 0, log);
        Assert.Contains("hello-msbuild submitted; following its logs.", log, StringComparison.Ordinal);
        Assert.Contains("Hello from hello-msbuild, on ", log, StringComparison.Ordinal);
        Assert.Contains("Arguments: one | two words", log, StringComparison.Ordinal);
        Assert.Contains("dstack: job 0 exited with code 0", log, StringComparison.Ordinal);
    }
}
