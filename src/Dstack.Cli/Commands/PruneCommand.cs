using System.CommandLine;
using Dstack.Cli.Runs;

namespace Dstack.Cli.Commands;

/// <summary><c>dstack prune cache</c>: deletes what dstack keeps to make runs faster, saying how much space came back.</summary>
public static class PruneCommand
{
    public static Command Create(TextWriter output, TextWriter error, Func<CliContext> context)
    {
        var command = new Command("prune", "Delete what dstack keeps between runs to make them faster: cache (workflows' cache: paths).");
        command.Subcommands.Add(PruneCacheCommand.Create(output, error, context));
        return command;
    }
}
