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

        using var build = await ConsumerBuild.RunDotnetAsync(
            TestPaths.Root,
            ["build", "examples/msbuild", "-t:DstackRun", "-tl:off", "-p:DstackArgs=one 'two words'"],
            new Dictionary<string, string?> { ["DSTACK_HOME"] = home.Path },
            Limit);

        Assert.True(build.ExitCode == 0, build.Output);
        Assert.Contains("hello-msbuild submitted; following its logs.", build.Output, StringComparison.Ordinal);
        Assert.Contains("Hello from hello-msbuild, on ", build.Output, StringComparison.Ordinal);
        Assert.Contains("Arguments: one | two words", build.Output, StringComparison.Ordinal);
        Assert.Contains("dstack: job 0 exited with code 0", build.Output, StringComparison.Ordinal);
    }
}
