using System.Diagnostics;

namespace Dstack.Tasks.Tests;

/// <summary>
/// A temporary SDK-style project imports build/Dstack.Tasks.props and .targets from the source tree, with the
/// task assembly and the CLI pointed at this test's fresh builds, and is built by a real <c>dotnet msbuild</c>.
/// </summary>
public sealed class TargetsIntegrationTests
{
    private const string BrokenRange = "type: task\ncommands:\n  - echo hi\nresources:\n  memory: 80GB..40GB\n";
    private const string FixedRange = "type: task\ncommands:\n  - echo hi\nresources:\n  memory: 40GB..80GB\n";
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public void DstackValidate_BrokenThenFixedThenUnchanged_FailsThenPassesThenSkips()
    {
        using var folder = NewProject();
        folder.Write("bad.dstack.yml", BrokenRange);
        var stamp = Path.Combine(folder.Path, "obj", "dstack-validate.stamp");

        var broken = MsBuild(folder, "-t:DstackValidate");
        Assert.NotEqual(0, broken.ExitCode);
        Assert.Contains("bad.dstack.yml(5,11): error DSTK2003: resources.memory: Invalid range order: 80GB..40GB", broken.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(stamp), "a failed validation must not write the stamp, so that it runs again");

        folder.Write("bad.dstack.yml", FixedRange);
        var fixedBuild = MsBuild(folder, "-t:DstackValidate");
        Assert.True(fixedBuild.ExitCode == 0, fixedBuild.ToString());
        Assert.DoesNotContain("error", fixedBuild.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(stamp), fixedBuild.ToString());
        var stampTime = File.GetLastWriteTimeUtc(stamp);

        var unchanged = MsBuild(folder, "-t:DstackValidate", "-v:n");
        Assert.True(unchanged.ExitCode == 0, unchanged.ToString());
        Assert.Contains("Skipping target \"DstackValidate\" because all output files are up-to-date", unchanged.Output, StringComparison.Ordinal);
        Assert.Equal(stampTime, File.GetLastWriteTimeUtc(stamp));
    }

    [Fact]
    public void DstackValidate_WarningAsError_FailsTheBuild()
    {
        using var folder = NewProject();
        folder.Write("gpu.dstack.yml", "type: task\ncommands:\n  - echo hi\nresources:\n  gpu: 4090\n");

        var warned = MsBuild(folder, "-t:DstackValidate");
        Assert.True(warned.ExitCode == 0, warned.ToString());
        Assert.Contains("gpu.dstack.yml(5,8): warning DSTK2011:", warned.Output, StringComparison.Ordinal);

        var stamp = Path.Combine(folder.Path, "obj", "dstack-validate.stamp");
        Assert.False(File.Exists(stamp), "a check with warnings is not remembered, so the warnings show on the next build");
        var strict = MsBuild(folder, "-t:DstackValidate", "-warnaserror");
        Assert.NotEqual(0, strict.ExitCode);
        Assert.Contains("gpu.dstack.yml(5,8): error DSTK2011:", strict.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(stamp), "a warning turned into an error must not write the stamp");

        var silenced = MsBuild(folder, "-t:DstackValidate", "-warnaserror", "-p:NoWarn=DSTK2011");
        Assert.True(silenced.ExitCode == 0, silenced.ToString());
        Assert.DoesNotContain("DSTK2011", silenced.Output, StringComparison.Ordinal);

        var projectLevel = MsBuild(folder, "-t:DstackValidate", "-p:MSBuildWarningsAsErrors=DSTK2011");
        Assert.NotEqual(0, projectLevel.ExitCode);
        Assert.Contains("gpu.dstack.yml(5,8): error DSTK2011:", projectLevel.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void DstackValidate_MissingCli_FailsWithSetupErrorNamingTheProperty()
    {
        using var folder = NewProject();
        folder.Write("ok.dstack.yml", FixedRange);
        var cli = Path.Combine(folder.Path, "nowhere", "dstack.dll");

        var result = MsBuild(folder, "-t:DstackValidate", $"-p:DstackCliPath={cli}");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("error DSTK0004: The dstack CLI was not found at '" + cli + "': set the property DstackCliPath", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultItems_SkipBinAndObj_AndCanBeSwitchedOff()
    {
        using var folder = NewProject();
        folder.Write("a.dstack.yml", FixedRange);
        folder.Write("sub/b.dstack.yaml", FixedRange);
        folder.Write(".dstack/profiles.yml", "profiles:\n  - name: dev\n    default: true\n");
        folder.Write("bin/Debug/c.dstack.yml", BrokenRange);
        folder.Write("obj/d.dstack.yml", BrokenRange);

        var listed = MsBuild(folder, "-getItem:DstackConfiguration");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Contains("a.dstack.yml", listed.Output, StringComparison.Ordinal);
        Assert.Contains("b.dstack.yaml", listed.Output, StringComparison.Ordinal);
        Assert.Contains("profiles.yml", listed.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("c.dstack.yml", listed.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("d.dstack.yml", listed.Output, StringComparison.Ordinal);

        var off = MsBuild(folder, "-getItem:DstackConfiguration", "-p:EnableDefaultDstackItems=false");
        Assert.DoesNotContain("dstack.yml", off.Output, StringComparison.Ordinal);
    }

    private static TempFolder NewProject()
    {
        var folder = new TempFolder();
        // Cut the project off from any Directory.Build.* above the temp folder.
        folder.Write("Directory.Build.props", "<Project />\n");
        folder.Write("Directory.Build.targets", "<Project />\n");
        var build = TestPaths.BuildFolder;
        folder.Write("app.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <DstackTasksAssembly>{TestPaths.TasksAssembly}</DstackTasksAssembly>
                <DstackCliPath Condition="'$(DstackCliPath)' == ''">{TestPaths.CliDll}</DstackCliPath>
              </PropertyGroup>
              <Import Project="{Path.Combine(build, "Dstack.Tasks.props")}" />
              <Import Project="{Path.Combine(build, "Dstack.Tasks.targets")}" />
            </Project>
            """);
        return folder;
    }

    private static BuildResult MsBuild(TempFolder folder, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = folder.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])["msbuild", "app.csproj", "-nologo", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        // The test host runs inside a build: its MSBuild settings must not leak into the project under test.
        foreach (var name in (string[])["MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly"])
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(BuildTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet msbuild {string.Join(' ', arguments)} ran past {BuildTimeout}");
        }

        process.WaitForExit();
        return new BuildResult(process.ExitCode, output.Result + error.Result);
    }

    private sealed record BuildResult(int ExitCode, string Output)
    {
        public override string ToString() => $"exit {ExitCode}\n{Output}";
    }
}
