using System.CommandLine;
using Dstack.Cli.Runs;
using Dstack.Runtime.Runs;

namespace Dstack.Cli.Commands;

/// <summary>
/// <c>dstack controller</c> (hidden): the process that runs one run. <c>dstack run</c> starts it in its own session
/// before planning, then sends the submitted run through its standard input. Users never call it.
/// </summary>
public static class ControllerCommandLine
{
    public static Command Create()
    {
        var command = new Command("controller", "Run one submitted run (started by dstack run; not for direct use).") { Hidden = true };
        command.SetAction((parse, cancellationToken) => RunAsync());
        return command;
    }

    /// <summary>The controller's whole life (<see cref="ControllerMain"/>); <c>Program</c> calls it directly, without building the command tree, to start sooner.</summary>
    public static Task<int> RunAsync() => ControllerMain.RunAsync(CliContext.ProcessEnvironment());
}
