using System.CommandLine;
using Dstack.Cli.Runs;

namespace Dstack.Cli.Commands;

/// <summary><c>dstack tags add | list | delete</c>: names for finished runs, whose artifacts <c>deps: [{tag}]</c> reads.</summary>
public static class TagsCommand
{
    public static Command Create(TextWriter output, TextWriter error, Func<CliContext> context)
    {
        var command = new Command("tags", "Name finished runs so that workflows can use their artifacts (deps: [{tag: TAG}]): add, list, delete.");
        command.Subcommands.Add(TagsAddCommand.Create(output, error, context));
        command.Subcommands.Add(TagsListCommand.Create(output, error, context));
        command.Subcommands.Add(TagsDeleteCommand.Create(output, error, context));
        return command;
    }
}
