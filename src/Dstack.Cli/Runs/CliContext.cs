using System.Diagnostics.CodeAnalysis;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Cli.Runs;

/// <summary>What the run commands need from the process: its environment, the state folder, the terminal, and how to start a controller.</summary>
public sealed record CliContext(
    IReadOnlyDictionary<string, string> Environment,
    DstackHome Home,
    string WorkingDirectory,
    bool Interactive,
    ControllerCommand Controller)
{
    public static CliContext FromProcess()
    {
        var environment = ProcessEnvironment();
        return new CliContext(
            environment,
            DstackHome.FromEnvironment(environment),
            Directory.GetCurrentDirectory(),
            !Console.IsInputRedirected && !Console.IsOutputRedirected,
            LocateController());
    }

    /// <summary>This process's environment variables.</summary>
    public static Dictionary<string, string> ProcessEnvironment() => ControllerMain.ProcessEnvironment();

    /// <summary>
    /// The controller is this same program (<c>dstack controller</c>): the apphost beside dstack.dll when there is one,
    /// otherwise <c>dotnet dstack.dll</c>. Found from the assembly, not the process, so it also works in-process (tests, MSBuild).
    /// A native (Native AOT) build has no assembly file: there the controller is <c>dstack-controller</c> beside the
    /// running executable (<see cref="ControllerBuild"/>), or the executable itself when it was published with the controller built in.
    /// </summary>
    public static ControllerCommand LocateController()
    {
        if (AssemblyFile() is not { } dll)
        {
            var self = System.Environment.ProcessPath ?? Path.Combine(AppContext.BaseDirectory, "dstack");
            return new ControllerCommand(ControllerBuild.IsBuiltIn ? self : Path.Combine(Path.GetDirectoryName(self) ?? AppContext.BaseDirectory, ControllerBuild.SeparateProgram), []);
        }

        var folder = Path.GetDirectoryName(dll)!;
        var apphost = Path.Combine(folder, "dstack");
        if (File.Exists(apphost))
        {
            return new ControllerCommand(apphost, []);
        }

        var dotnet = System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        return new ControllerCommand(dotnet, [dll]);
    }

    [UnconditionalSuppressMessage(
        "SingleFile",
        "IL3000:Avoid accessing Assembly file path when publishing as a single file",
        Justification = "The empty Location of a native or single-file build is checked for, and LocateController then uses the process path.")]
    private static string? AssemblyFile() => typeof(CliContext).Assembly.Location is { Length: > 0 } location ? location : null;
}
