using System.CommandLine;
using System.CommandLine.Help;
using Dstack.Cli.Rendering;
using Dstack.Cli.Commands;
using Dstack.Cli.Runs;

namespace Dstack.Cli;

/// <summary>The <c>dstack</c> command tree. Exit codes: 0 success, 1 problems found, 2 wrong usage; <c>run</c> exits with the job's code.</summary>
public static class DstackCommandLine
{
    public const int Success = 0;
    public const int ProblemsFound = 1;
    public const int UsageError = 2;

    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error) => RunAsync(args, output, error, CliContext.FromProcess);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, Func<CliContext> context)
    {
        // run/apply/build: everything that is not one of dstack's own options is a run argument for ${{ run.args }}.
        IReadOnlyList<string> runArgs = [];
        if (args.Length > 0 && RunCommand.Names.Contains(args[0]))
        {
            var (values, flags) = new RunOptions().Names();
            var (own, rest) = RunArgumentSplitter.Split(args[1..], values, flags);
            args = [args[0], .. own];
            runArgs = rest;
        }

        var root = new RootCommand("dstack for .NET: validate .dstack.yml configurations, and run their tasks, services and dev environments on this machine or on SSH hosts.");
        root.Subcommands.Add(ValidateCommand.Create(output, error));
        foreach (var name in RunCommand.Names)
        {
            root.Subcommands.Add(RunCommand.Create(name, output, error, context, runArgs));
        }

        root.Subcommands.Add(OfferCommand.Create(output, error, context));
        root.Subcommands.Add(PsCommand.Create(output, error, context));
        root.Subcommands.Add(LogsCommand.Create(output, error, context));
        root.Subcommands.Add(StopCommand.Create(output, error, context));
        root.Subcommands.Add(AttachCommand.Create(output, error, context));
        root.Subcommands.Add(ServiceCommand.Create(output, error, context));
        root.Subcommands.Add(ArtifactsCommand.Create(output, error, context));
        root.Subcommands.Add(TagsCommand.Create(output, error, context));
        root.Subcommands.Add(PruneCommand.Create(output, error, context));
        root.Subcommands.Add(PoolCommand.Create(output, error, context));
        root.Subcommands.Add(InstanceCommand.Create(output, error, context));
        root.Subcommands.Add(BackendCommand.Create(output, error, context));
        root.Subcommands.Add(SchemaCommand.Create(output));
        if (ControllerBuild.IsBuiltIn)
        {
            root.Subcommands.Add(ControllerCommandLine.Create());
        }

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var problem in parse.Errors)
            {
                await error.WriteLineAsync($"dstack: {problem.Message}");
            }

            // The whole path of a subcommand: dstack instance terminate, not dstack terminate.
            var names = new List<string>();
            for (var result = parse.CommandResult; result is not null && result.Command != root; result = result.Parent as System.CommandLine.Parsing.CommandResult)
            {
                names.Insert(0, result.Command.Name);
            }

            var command = string.Join(' ', ["dstack", .. names]);
            await error.WriteLineAsync($"Run '{command} --help' for usage.");
            return UsageError;
        }

        // Ctrl+C is handled by the commands themselves (a run asks whether to stop), not by cancelling the action.
        var configuration = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false };
        try
        {
            if (parse.Action is HelpAction)
            {
                // Rendered into a buffer first, so the commands list can show which arguments may be left out.
                using var buffer = new StringWriter();
                var code = await parse.InvokeAsync(new InvocationConfiguration { Output = buffer, Error = error, EnableDefaultExceptionHandler = false });
                await output.WriteAsync(CommandListLabels.ShowOptionalArguments(buffer.ToString(), parse.CommandResult.Command));
                return code;
            }

            return await parse.InvokeAsync(configuration);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug or an environment we did not foresee: one line a user can report, the stack trace only on request.
            await error.WriteLineAsync($"dstack: internal error {Runtime.Diagnostics.DiagnosticCodes.InternalError}: {e.GetType().Name}: {e.Message} (please report it; set DSTACK_DEBUG=1 for the details)");
            if (System.Environment.GetEnvironmentVariable("DSTACK_DEBUG") is { Length: > 0 })
            {
                await error.WriteLineAsync(e.ToString());
            }

            return ProblemsFound;
        }
    }
}
