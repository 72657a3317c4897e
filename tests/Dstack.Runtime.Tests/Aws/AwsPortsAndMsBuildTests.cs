using System.Diagnostics;
using Dstack.Runtime.Tests.Ssh;

namespace Dstack.Runtime.Tests.Aws;

/// <summary>
/// A task's port fetched on localhost through the SSH tunnel to an EC2 instance, and a run through
/// <c>dotnet msbuild -t:DstackRun</c>, both against the fake EC2 with network-namespace hosts (one fake and its hosts
/// for <see cref="AwsEndToEndCollection"/>). The MSBuild run is here rather than in Dstack.Tasks.Tests because the
/// fake lives in this project and that one does not reference it: the test drives a real <c>dotnet msbuild</c> of a
/// sample project with the freshly built task assembly and CLI, as Dstack.Tasks.Tests' TargetsIntegrationTests do.
/// </summary>
[Collection(AwsEndToEndCollection.Name)]
public sealed class AwsPortsAndMsBuildTests(AwsEndToEndFixture fixture)
{
    private static readonly string TasksAssembly = RepositoryPaths.Combine("src", "Dstack.Tasks", "bin", "Release", "net8.0", "Dstack.Tasks.dll");

    private static readonly string CliDll = RepositoryPaths.Combine("src", "Dstack.Cli", "bin", "Release", "net10.0", "dstack.dll");

    [NetnsFact]
    public async Task Run_OnAws_WithAPort_PlansEc2Offers_StreamsTheOutput_ServesThroughTheTunnel_AndTerminates()
    {
        var fake = fixture.Fake;
        using var sandbox = AwsCliSandbox.Create(fake);
        var port = LoopbackSshd.FreePort();
        sandbox.Write("index.html", "served-from-ec2\n");
        // Serves one request, then the job ends: its exit code is the run's.
        sandbox.Write("serve.py", """
            import http.server
            server = http.server.HTTPServer(("127.0.0.1", 8000), http.server.SimpleHTTPRequestHandler)
            print("serving", flush=True)
            server.handle_request()
            print("served one request", flush=True)
            """);
        sandbox.Write(".dstack.yml", $"type: task\nname: web-on-ec2\nports:\n  - \"{port}:8000\"\ncommands:\n  - python3 serve.py\n");

        using var run = sandbox.Start("run", "-y", "-b", "aws", "--instance-type", "m5.xlarge");
        await run.WaitForTextAsync($"http://127.0.0.1:{port} -> 8000");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        // The tunnel opens once the job runs, which may be before its server listens: ask again until it answers.
        var body = await FetchAsync(http, $"http://127.0.0.1:{port}/index.html");
        var code = await run.WaitAsync();

        Assert.Equal("served-from-ec2\n", body);
        Assert.True(code == 0, run.ToString());
        Assert.Contains(" aws ", run.Output, StringComparison.Ordinal);
        Assert.Contains("m5.xlarge", run.Output, StringComparison.Ordinal);
        Assert.Contains("$0.192", run.Output, StringComparison.Ordinal);
        Assert.Contains("serving", run.Output, StringComparison.Ordinal);
        Assert.Contains("served one request", run.Output, StringComparison.Ordinal);
        var instance = Assert.Single(fake.Instances, i => i.Tags["dstack:run"] == "web-on-ec2");
        Assert.DoesNotContain(fake.LiveInstances, i => i.Id == instance.Id);
        Assert.Empty(await sandbox.LiveInstancesAsync());
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetStringAsync($"http://127.0.0.1:{port}/index.html"));
    }

    [NetnsFact]
    public async Task DstackRun_MsBuild_OnAws_TheJobsOutputIsInTheBuildLog_AndTheInstanceIsTerminated()
    {
        Assert.True(File.Exists(TasksAssembly), $"{TasksAssembly} is missing: build src/Dstack.Tasks (Release) first");
        Assert.True(File.Exists(CliDll), $"{CliDll} is missing: build src/Dstack.Cli (Release) first");
        var fake = fixture.Fake;
        using var sandbox = AwsCliSandbox.Create(fake);
        sandbox.Write("Directory.Build.props", "<Project />\n");
        sandbox.Write("Directory.Build.targets", "<Project />\n");
        var build = RepositoryPaths.Combine("src", "Dstack.Tasks", "build");
        sandbox.Write("app.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <DstackTasksAssembly>{TasksAssembly}</DstackTasksAssembly>
                <DstackCliPath>{CliDll}</DstackCliPath>
              </PropertyGroup>
              <Import Project="{Path.Combine(build, "Dstack.Tasks.props")}" />
              <Import Project="{Path.Combine(build, "Dstack.Tasks.targets")}" />
            </Project>
            """);
        sandbox.Write(".dstack.yml", "type: task\nname: built-on-ec2\ncommands:\n  - echo \"hello from $DSTACK_NODES_IPS\"\n  - exit 0\n");

        var (code, output) = await MsBuildAsync(sandbox, "-t:DstackRun", "-p:DstackBackends=aws", "-p:DstackRunOptions=--instance-type m5.xlarge");

        Assert.True(code == 0, output);
        var instance = Assert.Single(fake.Instances, i => i.Tags["dstack:run"] == "built-on-ec2");
        Assert.Equal("m5.xlarge", instance.InstanceType);
        Assert.Contains("built-on-ec2 submitted; following its logs.", output, StringComparison.Ordinal);
        Assert.Contains("hello from 10.", output, StringComparison.Ordinal);
        Assert.DoesNotContain(fake.LiveInstances, i => i.Id == instance.Id);
        Assert.Empty(await sandbox.LiveInstancesAsync());
    }

    private static async Task<(int Code, string Output)> MsBuildAsync(AwsCliSandbox sandbox, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = sandbox.Project,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])["msbuild", "app.csproj", "-nologo", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in sandbox.Environment)
        {
            start.Environment[name] = value;
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
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet msbuild {string.Join(' ', arguments)} ran past 3 minutes");
        }

        return (process.ExitCode, await output + await error);
    }

    /// <summary>GETs <paramref name="url"/>, asking again for up to 30 s while nothing answers behind the tunnel yet.</summary>
    private static async Task<string> FetchAsync(HttpClient http, string url)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                return await http.GetStringAsync(url);
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }
}
