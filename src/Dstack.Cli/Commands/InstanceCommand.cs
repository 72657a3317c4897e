using System.CommandLine;
using Dstack.Cli.Runs;

namespace Dstack.Cli.Commands;

/// <summary>
/// <c>dstack instance list | terminate</c>: the machines backends provisioned for runs' jobs, as the state store
/// records them, and terminating one that a run left behind.
/// </summary>
public static class InstanceCommand
{
    public static Command Create(TextWriter output, TextWriter error, Func<CliContext> context)
    {
        var command = new Command("instance", "Manage the instances (machines) backends provisioned for runs: list, terminate.");
        command.Subcommands.Add(InstanceListCommand.Create(output, error, context));
        command.Subcommands.Add(InstanceTerminateCommand.Create(output, error, context));
        return command;
    }
}
