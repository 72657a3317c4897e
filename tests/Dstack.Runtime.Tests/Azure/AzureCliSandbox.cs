using System.Diagnostics;
using System.Text.Json;
using Dstack.Runtime.Backends.Azure;
using Dstack.Runtime.Tests.Aws;
using Dstack.Runtime.Tests.CloudFakes;
using Dstack.Runtime.Tests.Azure.Fake;

namespace Dstack.Runtime.Tests.Azure;

/// <summary>
/// A project folder and a DSTACK_HOME whose config.yml has an azure entry signing in to a <see cref="FakeArm"/> (its
/// endpoint, sign-in host and certificate in the CLI's environment), with the built <c>dstack</c> CLI to run in it.
/// Deleted at disposal, a controller left running killed first.
/// </summary>
internal sealed class AzureCliSandbox : IDisposable
{
    private AzureCliSandbox(string root, Dictionary<string, string> environment)
    {
        Root = root;
        Environment = environment;
    }

    public string Root { get; }

    public string Project => Path.Combine(Root, "project");

    public string Home => Path.Combine(Root, "home");

    public Dictionary<string, string> Environment { get; }

    public static AzureCliSandbox Create(FakeArm arm)
    {
        var root = Directory.CreateTempSubdirectory("dstack-azure-cli-").FullName;
        var environment = arm.Environment(Path.Combine(root, "fake-arm.pem"));
        environment["DSTACK_HOME"] = Path.Combine(root, "home");
        environment["DSTACK_SSH_CONFIG_INCLUDE"] = "0";
        environment[AzureBackend.UserVariable] = NetnsMachines.User;
        environment[AzureBackend.ReadyLimitVariable] = "60";
        var sandbox = new AzureCliSandbox(root, environment);
        Directory.CreateDirectory(sandbox.Project);
        Directory.CreateDirectory(sandbox.Home);
        File.WriteAllText(Path.Combine(sandbox.Home, "config.yml"), $"""
            backends:
              - type: azure
                subscription_id: {FakeArm.SubscriptionId}
                tenant_id: {FakeArm.TenantId}
                creds:
                  type: client
                  client_id: {FakeArm.ClientId}
                  client_secret: {FakeArm.ClientSecret}
                regions: [eastus]
            """);
        return sandbox;
    }

    public void Write(string relativePath, string text) => File.WriteAllText(Path.Combine(Project, relativePath), text);

    /// <summary>Starts <c>dstack ARGS</c> in the project.</summary>
    public AwsCliProcess Start(params string[] args)
    {
        var start = new ProcessStartInfo(AwsCliSandbox.Cli) { WorkingDirectory = Project };
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

    public async Task<IReadOnlyList<JsonElement>> LiveInstancesAsync()
    {
        var list = await RunAsync("instance", "list", "--json");
        Assert.True(list.Code == 0, list.ToString());
        return [.. JsonDocument.Parse(list.Output).RootElement.GetProperty("instances").EnumerateArray().Select(i => i.Clone())];
    }

    public void Dispose()
    {
        if (AwsCliSandbox.ControllerOf(Home) is { } controller)
        {
            Dstack.Runtime.Processes.Signals.SignalProcess(controller, Dstack.Runtime.Processes.Signals.Kill);
        }

        Directory.Delete(Root, recursive: true);
    }
}
