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

    [Fact]
    public void DstackValidateOnBuild_MultiTargetedProjectsInASolution_ChecksEachProjectOnce()
    {
        using var folder = new TempFolder();
        folder.Write("Directory.Build.props", "<Project />\n");
        // The dstack targets for every project, as a Directory.Build.targets with a PackageReference would give them.
        folder.Write("Directory.Build.targets", $"""
            <Project>
              <PropertyGroup>
                <DstackTasksAssembly>{TestPaths.TasksAssembly}</DstackTasksAssembly>
                <DstackCliPath>{TestPaths.CliDll}</DstackCliPath>
              </PropertyGroup>
              <Import Project="{Path.Combine(TestPaths.BuildFolder, "Dstack.Tasks.props")}" />
              <Import Project="{Path.Combine(TestPaths.BuildFolder, "Dstack.Tasks.targets")}" />
            </Project>
            """);
        foreach (var name in (string[])["one", "two"])
        {
            folder.Write($"{name}/{name}.csproj", """
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFrameworks>net10.0;net8.0</TargetFrameworks>
                    <DstackValidateOnBuild>true</DstackValidateOnBuild>
                  </PropertyGroup>
                </Project>
                """);
            folder.Write($"{name}/C.cs", "namespace X; public class C {}\n");
            folder.Write($"{name}/gpu.dstack.yml", "type: task\ncommands:\n  - echo hi\nresources:\n  gpu: 4090\n");
        }

        // A project without the targets: a solution-wide -t:DstackValidate skips it through Directory.Solution.targets (docs/msbuild.md).
        folder.Write("plain/plain.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net10.0</TargetFramework><ImportDirectoryBuildTargets>false</ImportDirectoryBuildTargets></PropertyGroup></Project>\n");
        folder.Write("Directory.Solution.targets", """
            <Project>
              <Target Name="DstackValidate">
                <MSBuild Projects="@(ProjectReference)" Targets="DstackValidate" SkipNonexistentTargets="true" BuildInParallel="true" />
              </Target>
            </Project>
            """);
        folder.Write("all.slnx", "<Solution>\n  <Project Path=\"one/one.csproj\" />\n  <Project Path=\"two/two.csproj\" />\n  <Project Path=\"plain/plain.csproj\" />\n</Solution>\n");

        var build = Dotnet(folder, null, "build", "all.slnx");
        Assert.True(build.ExitCode == 0, build.ToString());
        var log = BeforeSummary(build.Output);
        foreach (var name in (string[])["one", "two"])
        {
            var warning = $"{Path.Combine(folder.Path, name, "gpu.dstack.yml")}(5,8): warning DSTK2011:";
            Assert.True(Occurrences(log, warning) == 1, $"{name} must be checked once, not once per target framework\n{build}");
        }

        var validate = Dotnet(folder, null, "build", "all.slnx", "-t:DstackValidate");
        Assert.True(validate.ExitCode == 0, validate.ToString());
        Assert.Equal(2, Occurrences(BeforeSummary(validate.Output), "warning DSTK2011:"));
    }

    [Fact]
    public void DstackRun_SeveralConfigurationsAndNoneChosen_FailsWithDSTK0005ListingThem()
    {
        using var folder = NewProject();
        folder.Write("train.dstack.yml", "type: task\ncommands:\n  - echo train\n");
        folder.Write("serve/web.dstack.yml", "type: task\ncommands:\n  - echo web\n");

        var result = MsBuild(folder, "-t:DstackRun");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(
            "error DSTK0005: The project has 2 configurations and none is chosen: serve/web.dstack.yml, train.dstack.yml. Choose one with -p:DstackConfigurationFile=serve/web.dstack.yml",
            result.Output,
            StringComparison.Ordinal);
        Assert.DoesNotContain("submitted", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void DstackRun_ChosenConfiguration_GetsArgsAndEnv_AndItsOutputIsInTheBuildLog()
    {
        using var folder = NewProject();
        using var home = new TempFolder();
        folder.Write("other.dstack.yml", "type: task\ncommands:\n  - echo other\n");
        folder.Write("greet.dstack.yml", "type: task\nname: greet\nenv:\n  - WHO\ncommands:\n  - echo \"hello $WHO\"\n  - printf '<%s>' ${{ run.args }}; echo\n");

        var result = Dotnet(folder, home, "msbuild", "app.csproj", "-nologo", "-t:DstackRun",
            "-p:DstackConfiguration=greet.dstack.yml", "-p:DstackArgs='two words' 'it''s' plain", "-p:DstackEnv=WHO=build-secret-value");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("greet submitted; following its logs.", result.Output, StringComparison.Ordinal);
        Assert.Contains("<two words><its><plain>", result.Output, StringComparison.Ordinal);
        // -e values travel in the CLI's environment and are masked in the run's output: the value never shows.
        Assert.Contains("hello ***", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("build-secret-value", result.Output, StringComparison.Ordinal);
        Assert.Equal("greet", File.ReadAllText(Path.Combine(folder.Path, "obj", "dstack-run.name")).Trim());
    }

    [Fact]
    public void DstackRun_DstackWorkflow_RunsThePipelinesWorkflowWithItsDepsAndArgs_AndSavesItsArtifacts()
    {
        using var folder = NewProject();
        using var home = new TempFolder();
        folder.Write(".dstack/workflows/steps.yaml", "workflows:\n  - name: make\n    commands:\n      - mkdir -p out && echo made > out/m.txt\n    artifacts:\n      - path: out\n  - name: use\n    deps:\n      - workflow: make\n    commands:\n      - cat out/m.txt\n      - printf '<%s>' ${{ run.args }}; echo\n");

        var result = Dotnet(folder, home, "msbuild", "app.csproj", "-nologo", "-t:DstackRun", "-p:DstackWorkflow=use", "-p:DstackWithDeps=true", "-p:DstackArgs='two words' x");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("--with-deps: 2 workflows in order: make → use", result.Output, StringComparison.Ordinal);
        Assert.Contains("dstack: artifact out: saved 1 file", result.Output, StringComparison.Ordinal);
        Assert.Contains("made", result.Output, StringComparison.Ordinal);
        Assert.Contains("<two words><x>", result.Output, StringComparison.Ordinal);

        var unknown = Dotnet(folder, home, "msbuild", "app.csproj", "-nologo", "-t:DstackRun", "-p:DstackWorkflow=mkae");
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("error DSTK2091", unknown.Output, StringComparison.Ordinal);
        Assert.Contains("did you mean `make`?", unknown.Output, StringComparison.Ordinal);

        // The workflows files are the project's configurations too: DstackValidate checks their deps across files.
        folder.Write(".dstack/workflows/more.yml", "workflows:\n  - name: late\n    deps:\n      - workflow: maek\n    commands: [echo]\n");
        var validate = Dotnet(folder, home, "msbuild", "app.csproj", "-nologo", "-t:DstackValidate");
        Assert.NotEqual(0, validate.ExitCode);
        Assert.Contains("more.yml(4,19): error DSTK2091", validate.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void DstackRun_FailingJob_FailsTheBuildWithDSTK3018NamingTheRun()
    {
        using var folder = NewProject();
        using var home = new TempFolder();
        var configuration = folder.Write(".dstack.yml", "type: task\nname: broken-job\ncommands:\n  - echo about to fail\n  - exit 3\n");

        var result = Dotnet(folder, home, "msbuild", "app.csproj", "-nologo", "-t:DstackRun");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("about to fail", result.Output, StringComparison.Ordinal);
        Assert.Contains(
            $"{configuration} : error DSTK3018: the run broken-job failed: exited with code 3; dstack logs broken-job shows its output",
            result.Output,
            StringComparison.Ordinal);
    }

    [Fact]
    public void DstackOffers_PrintsThePlan_AndRunsNothing()
    {
        using var folder = NewProject();
        using var home = new TempFolder();
        folder.Write(".dstack.yml", "type: task\nname: planned\ncommands:\n  - touch ran.txt\n");

        var result = Dotnet(folder, home, "msbuild", "app.csproj", "-nologo", "-t:DstackOffers", "-p:DstackGpu=0");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"planned\s+\.?/?.*dstack\.yml.*local", result.Output);
        Assert.DoesNotContain("submitted", result.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder.Path, "ran.txt")));
        Assert.False(Directory.Exists(Path.Combine(home.Path, "runs")) && Directory.EnumerateFileSystemEntries(Path.Combine(home.Path, "runs")).Any(), "a plan must not create a run");
    }

    [Fact]
    public void DstackDetachThenDstackStop_StopsTheRunItStarted()
    {
        using var folder = NewProject();
        using var home = new TempFolder();
        var pidFile = Path.Combine(home.Path, "job.pid");
        folder.Write(".dstack.yml", $"type: task\nname: background\ncommands:\n  - echo $BASHPID > {pidFile}\n  - exec sleep 300\n");

        var noRun = Dotnet(folder, home, "msbuild", "app.csproj", "-nologo", "-t:DstackStop");
        Assert.NotEqual(0, noRun.ExitCode);
        Assert.Contains("error DSTK0006: DstackStop does not know which run to stop", noRun.Output, StringComparison.Ordinal);

        var started = Dotnet(folder, home, "msbuild", "app.csproj", "-nologo", "-t:DstackRun", "-p:DstackDetach=true");
        Assert.True(started.ExitCode == 0, started.ToString());
        Assert.Contains("background submitted and running in the background", started.Output, StringComparison.Ordinal);
        var pid = WaitForPid(pidFile);
        Assert.True(Directory.Exists($"/proc/{pid}"), "the detached run's job must keep running after the build");

        var stopped = Dotnet(folder, home, "msbuild", "app.csproj", "-nologo", "-t:DstackStop");
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
        Assert.True(WaitUntil(() => !Directory.Exists($"/proc/{pid}")), $"job process {pid} is still there after DstackStop\n{stopped}");
    }

    [Fact]
    public void DstackRunOnAServiceThatExits_SubmitsItDetachedAndFailsWithDstk0008NamingTheRun()
    {
        using var folder = NewProject();
        using var home = new TempFolder();
        folder.Write(".dstack.yml", "type: service\nname: exits-early\nport: 18932\ncommands:\n  - exit 3\n");

        var built = Dotnet(folder, home, "msbuild", "app.csproj", "-nologo", "-t:DstackRun", "-v:n", "-p:DstackServiceReadyTimeout=60");

        Assert.NotEqual(0, built.ExitCode);
        Assert.Contains(" -y --no-color --stop-when-input-closes -d --", built.Output, StringComparison.Ordinal);
        Assert.Contains("exits-early submitted and running in the background", built.Output, StringComparison.Ordinal);
        Assert.Contains("error DSTK0008: the service exits-early ended before it answered: status failed", built.Output, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Needs", "ServiceController")]
    public async Task DstackRunOnAService_ReturnsTheUrlThatAnswers_AndDstackStopEndsIt()
    {
        using var folder = NewProject();
        using var home = new TempFolder();
        folder.Write("site/index.html", "hello from the service\n");
        folder.Write(".dstack.yml", "type: service\nname: msbuild-web\nport: 18931\ncommands:\n  - cd site && exec python3 -m http.server 18931 --bind 127.0.0.1\n");
        folder.Write("Directory.Build.targets", """
            <Project>
              <Target Name="UseService" DependsOnTargets="DstackRun">
                <Message Importance="high" Text="service-url=$(DstackServiceUrl) item=@(DstackServiceUrl) run=%(DstackServiceUrl.RunName)" />
              </Target>
            </Project>
            """);

        var built = Dotnet(folder, home, "msbuild", "app.csproj", "-nologo", "-t:UseService", "-p:DstackServiceReadyTimeout=90");
        try
        {
            Assert.True(built.ExitCode == 0, built.ToString());
            var line = built.Output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("service-url=", StringComparison.Ordinal));
            var url = line["service-url=".Length..line.IndexOf(' ', StringComparison.Ordinal)];
            Assert.Equal($"service-url={url} item={url} run=msbuild-web", line);
            Assert.StartsWith("http://127.0.0.1:", url, StringComparison.Ordinal);
            using var http = new System.Net.Http.HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var page = new Uri(new Uri(url), "index.html");

            // auth: true (the default): the token in DSTACK_HOME is asked for, as a test project would send it.
            using (var refused = await http.GetAsync(page))
            {
                Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
            }

            var token = File.ReadAllText(System.IO.Path.Combine(home.Path, "service-token")).Trim();
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            Assert.Equal("hello from the service\n", await http.GetStringAsync(page));

            var stopped = Dotnet(folder, home, "msbuild", "app.csproj", "-nologo", "-t:DstackStop");
            Assert.True(stopped.ExitCode == 0, stopped.ToString());
            Assert.True(WaitUntil(() => !Answers(http, url)), $"{url} still answers after DstackStop");
        }
        finally
        {
            Dotnet(folder, home, "msbuild", "app.csproj", "-nologo", "-t:DstackStop", "-p:DstackStopAbort=true");
        }
    }

    private static bool Answers(System.Net.Http.HttpClient http, string url)
    {
        try
        {
            using var response = http.GetAsync(url).GetAwaiter().GetResult();
            return true;
        }
        catch (Exception e) when (e is System.Net.Http.HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private static int WaitForPid(string pidFile)
    {
        Assert.True(WaitUntil(() => File.Exists(pidFile) && File.ReadAllText(pidFile).Trim().Length > 0), $"{pidFile} was never written");
        return int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static bool WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            Thread.Sleep(100);
        }

        return true;
    }

    /// <summary>The build's log without the summary at its end, which repeats every warning.</summary>
    private static string BeforeSummary(string output)
    {
        var end = output.LastIndexOf("Build succeeded.", StringComparison.Ordinal);
        return end < 0 ? output : output[..end];
    }

    private static int Occurrences(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
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

    private static BuildResult MsBuild(TempFolder folder, params string[] arguments) =>
        Dotnet(folder, null, ["msbuild", "app.csproj", "-nologo", .. arguments]);

    /// <param name="home">The DSTACK_HOME for runs; null for commands that start none.</param>
    private static BuildResult Dotnet(TempFolder folder, TempFolder? home, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = folder.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DSTACK_HOME"] = (home ?? folder).Path + (home is null ? "/.dstack-home" : "");

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
