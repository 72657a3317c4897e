using System.Diagnostics;
using System.Text.Json;
using Dstack.Runtime.Tests.Aws.Fake;
using Dstack.Runtime.Tests.CloudFakes;

namespace Dstack.Runtime.Tests.Aws;

/// <summary>
/// A project folder and a DSTACK_HOME whose config.yml points the aws backend at a fake EC2 (reached through
/// <c>AWS_ENDPOINT_URL_EC2</c> in the CLI's environment), with the built <c>dstack</c> CLI to run in it. Deleted at disposal.
/// </summary>
internal sealed class AwsCliSandbox : IDisposable
{
    public static readonly string Cli = RepositoryPaths.Combine("src", "Dstack.Cli", "bin", "Release", "net10.0", "dstack");

    private AwsCliSandbox(string root, IReadOnlyDictionary<string, string> environment)
    {
        Root = root;
        Environment = environment;
    }

    public string Root { get; }

    public string Project => Path.Combine(Root, "project");

    public string Home => Path.Combine(Root, "home");

    /// <summary>What the CLI gets besides the test's own environment: the fake's endpoint and keys, DSTACK_HOME.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    public static AwsCliSandbox Create(FakeEc2 fake, IReadOnlyDictionary<string, string>? extra = null)
    {
        var root = Directory.CreateTempSubdirectory("dstack-aws-cli-").FullName;
        var sandbox = new AwsCliSandbox(root, new Dictionary<string, string>(fake.Environment())
        {
            ["DSTACK_HOME"] = Path.Combine(root, "home"),
            ["DSTACK_SSH_CONFIG_INCLUDE"] = "0",
        }.Concat(extra ?? new Dictionary<string, string>()).ToDictionary());
        Directory.CreateDirectory(sandbox.Project);
        Directory.CreateDirectory(sandbox.Home);
        File.WriteAllText(Path.Combine(sandbox.Home, "config.yml"), $"""
            backends:
              - type: aws
                creds:
                  type: access_key
                  access_key: {fake.AccessKey}
                  secret_key: {fake.SecretKey}
                regions: [us-east-1]
                os_images:
                  cpu:
                    name: "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"
                    owner: "{FakeImage.Canonical}"
                    user: {NetnsMachines.User}
                  nvidia:
                    name: "Deep Learning Base OSS Nvidia Driver GPU AMI (Ubuntu 22.04)*"
                    owner: amazon
                    user: {NetnsMachines.User}
            """);
        return sandbox;
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="relativePath"/> of the project.</summary>
    public string Write(string relativePath, string text)
    {
        var path = Path.Combine(Project, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Starts <c>dstack ARGS</c> in the project.</summary>
    public AwsCliProcess Start(params string[] args)
    {
        var start = new ProcessStartInfo(Cli) { WorkingDirectory = Project };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in Environment)
        {
            start.Environment[name] = value;
        }

        start.Environment.Remove("NO_COLOR");
        return new AwsCliProcess(start);
    }

    /// <summary>Runs <c>dstack ARGS</c> in the project to its end.</summary>
    public async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var process = Start(args);
        var code = await process.WaitAsync();
        return (code, process.Output, process.Error);
    }

    /// <summary>The runs of <c>dstack ps -a --json</c> (a CLI start: it reconciles what dead controllers left).</summary>
    public async Task<IReadOnlyList<JsonElement>> RunsAsync()
    {
        var ps = await RunAsync("ps", "-a", "--json");
        Assert.True(ps.Code == 0, ps.ToString());
        return [.. JsonDocument.Parse(ps.Output).RootElement.GetProperty("runs").EnumerateArray().Select(r => r.Clone())];
    }

    /// <summary>The kinds of the progress events of the only run, oldest first (from <c>dstack ps --json</c>).</summary>
    public async Task<IReadOnlyList<string>> EventKindsAsync() =>
        (await RunsAsync()) is [var run] ? [.. run.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("kind").GetString()!)] : [];

    /// <summary>The instances <c>dstack instance list --json</c> shows as not terminated.</summary>
    public async Task<IReadOnlyList<JsonElement>> LiveInstancesAsync()
    {
        var list = await RunAsync("instance", "list", "--json");
        Assert.True(list.Code == 0, list.ToString());
        return [.. JsonDocument.Parse(list.Output).RootElement.GetProperty("instances").EnumerateArray().Select(i => i.Clone())];
    }

    /// <summary>The controller process of this home's run, found in /proc by its DSTACK_HOME and its command; null when none runs.</summary>
    public int? Controller() => ControllerOf(Home);

    /// <summary>The controller process of the run of <paramref name="home"/>, found in /proc by its DSTACK_HOME and its command; null when none runs.</summary>
    public static int? ControllerOf(string home)
    {
        foreach (var folder in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid))
            {
                continue;
            }

            try
            {
                var command = File.ReadAllText(Path.Combine(folder, "cmdline"));
                if (command.EndsWith("\0controller\0", StringComparison.Ordinal) && ("\0" + File.ReadAllText(Path.Combine(folder, "environ"))).Contains($"\0DSTACK_HOME={home}\0", StringComparison.Ordinal))
                {
                    return pid;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        return null;
    }

    public void Dispose()
    {
        if (Controller() is { } controller)
        {
            Dstack.Runtime.Processes.Signals.SignalProcess(controller, Dstack.Runtime.Processes.Signals.Kill);
        }

        Directory.Delete(Root, recursive: true);
    }
}
