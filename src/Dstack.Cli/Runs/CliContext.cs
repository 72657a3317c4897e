using System.Collections;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Cli.Runs;

/// <summary>What the run commands need from the process: its environment, the state folder, the terminal, and how to start a runner.</summary>
public sealed record CliContext(
    IReadOnlyDictionary<string, string> Environment,
    DstackHome Home,
    string WorkingDirectory,
    bool Interactive,
    RunnerCommand Runner)
{
    public static CliContext FromProcess()
    {
        var environment = ProcessEnvironment();
        return new CliContext(
            environment,
            DstackHome.FromEnvironment(environment),
            Directory.GetCurrentDirectory(),
            !Console.IsInputRedirected && !Console.IsOutputRedirected,
            LocateRunner());
    }

    /// <summary>This process's environment variables.</summary>
    public static Dictionary<string, string> ProcessEnvironment()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = entry.Value as string ?? string.Empty;
        }

        return environment;
    }

    /// <summary>
    /// The runner is this same program (<c>dstack runner ID</c>): the apphost beside dstack.dll when there is one,
    /// otherwise <c>dotnet dstack.dll</c>. Found from the assembly, not the process, so it also works in-process (tests, MSBuild).
    /// </summary>
    public static RunnerCommand LocateRunner()
    {
        var dll = typeof(CliContext).Assembly.Location;
        var folder = Path.GetDirectoryName(dll)!;
        var apphost = Path.Combine(folder, "dstack");
        if (File.Exists(apphost))
        {
            return new RunnerCommand(apphost, []);
        }

        var dotnet = System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        return new RunnerCommand(dotnet, [dll]);
    }
}
