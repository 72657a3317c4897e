using System.CommandLine;
using Dstack.Cli.Rendering;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Validation;

namespace Dstack.Cli.Commands;

/// <summary><c>dstack validate [PATH...] [--format text|json|msbuild]</c>.</summary>
public static class ValidateCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var paths = new Argument<string[]>("PATH")
        {
            Description = "Files or folders to check. Folders are searched for *.dstack.yml, *.dstack.yaml, .dstack/profiles.yml and .dstack/workflows/*.yaml, skipping what .gitignore ignores. Default: the current folder.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        paths.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Where(t => t.Value.StartsWith('-') && t.Value.Length > 1))
            {
                result.AddError($"unknown option '{token.Value}' (to check a file whose name starts with '-', write ./{token.Value})");
            }
        });
        var format = new Option<string>("--format", "-o")
        {
            Description = "text (for people; colour in a terminal), json (the configuration in normalized form, for tools), or msbuild (one canonical line per problem).",
            DefaultValueFactory = _ => "text",
        };
        format.AcceptOnlyFromAmong("text", "json", "msbuild");
        var noColor = new Option<bool>("--no-color") { Description = "Never use colour (also: the NO_COLOR environment variable)." };
        var command = new Command("validate", "Check dstack configurations and report every problem with its file, line and column. Exit code: 0 no errors, 1 errors, 2 wrong usage or missing path.")
        {
            paths,
            format,
            noColor,
        };
        command.SetAction(parse =>
        {
            var given = parse.GetValue(paths) is { Length: > 0 } p ? p : ["."];
            var report = ValidationReport.Run(given, Directory.GetCurrentDirectory());
            switch (parse.GetValue(format))
            {
                case "json":
                    output.WriteLine(report.ToJson());
                    break;
                case "msbuild":
                    foreach (var diagnostic in report.AllDiagnostics)
                    {
                        output.WriteLine(diagnostic.ToString());
                    }

                    break;
                default:
                    var color = !parse.GetValue(noColor) && ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected &&
                        string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
                    new DiagnosticRenderer(output, color).Render(report);
                    break;
            }

            if (report.PathProblems.Any(d => d.IsError))
            {
                return DstackCommandLine.UsageError;
            }

            return report.ErrorCount > 0 ? DstackCommandLine.ProblemsFound : DstackCommandLine.Success;
        });
        return command;
    }
}
