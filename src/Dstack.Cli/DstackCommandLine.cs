using System.CommandLine;
using Dstack.Cli.Commands;

namespace Dstack.Cli;

/// <summary>The <c>dstack</c> command tree. Exit codes: 0 success, 1 problems found, 2 wrong usage.</summary>
public static class DstackCommandLine
{
    public const int Success = 0;
    public const int ProblemsFound = 1;
    public const int UsageError = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("dstack for .NET: validate and run .dstack.yml tasks locally, on SSH hosts or in the cloud.");
        root.Subcommands.Add(ValidateCommand.Create(output, error));
        root.Subcommands.Add(SchemaCommand.Create(output));

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var problem in parse.Errors)
            {
                await error.WriteLineAsync($"dstack: {problem.Message}");
            }

            var command = string.Join(' ', parse.CommandResult.Command.Name == root.Name ? ["dstack"] : new[] { "dstack", parse.CommandResult.Command.Name });
            await error.WriteLineAsync($"Run '{command} --help' for usage.");
            return UsageError;
        }

        var configuration = new InvocationConfiguration { Output = output, Error = error };
        return await parse.InvokeAsync(configuration);
    }
}
