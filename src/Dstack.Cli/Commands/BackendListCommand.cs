using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dstack.Cli.Rendering;
using Dstack.Cli.Runs;
using Dstack.Runtime.Backends;

namespace Dstack.Cli.Commands;

/// <summary><c>dstack backend list [--json]</c>: the configured backends, and what is wrong with config.yml.</summary>
public static class BackendListCommand
{
    public static Command Create(TextWriter output, TextWriter error, Func<CliContext> context)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON: {\"backends\": [{name, hosts}], \"problems\": [{file, line, column, code, message}]}." };
        var command = new Command("list", "List the configured backends (local unless config.yml switches it off; ssh when it has hosts) and config.yml's problems. Nothing is probed: dstack backend check does that.") { json };
        command.SetAction(parse =>
        {
            var cli = context();
            var configured = BackendRegistry.Read(cli.Home);
            var problems = BackendCommand.ProblemsOf(configured);
            var backends = configured.Catalog.Backends;
            if (parse.GetValue(json))
            {
                var result = new JsonObject
                {
                    ["backends"] = new JsonArray([.. backends.Select(b => (JsonNode)new JsonObject
                    {
                        ["name"] = b.Name,
                        ["hosts"] = BackendCommand.HostsOf(b) is { } hosts ? new JsonArray([.. hosts.Select(h => (JsonNode)h)]) : null,
                    })]),
                    ["problems"] = new JsonArray([.. problems.Select(p => (JsonNode)new JsonObject
                    {
                        ["file"] = p.Path,
                        ["line"] = p.Span.StartLine,
                        ["column"] = p.Span.StartColumn,
                        ["code"] = p.Code,
                        ["message"] = p.Message,
                    })]),
                };
                output.WriteLine(result.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
            }
            else
            {
                TextTable.Write(
                    output,
                    ["NAME", "MACHINES"],
                    backends.Select(b => (IReadOnlyList<string>)[b.Name, Machines(b)]),
                    !Console.IsOutputRedirected && ReferenceEquals(output, Console.Out) && string.IsNullOrEmpty(System.Environment.GetEnvironmentVariable("NO_COLOR")));
                foreach (var problem in problems)
                {
                    error.WriteLine(problem.ToString());
                }
            }

            return problems.Any(p => p.IsError) ? DstackCommandLine.ProblemsFound : DstackCommandLine.Success;
        });
        return command;
    }

    private static string Machines(IBackend backend) => backend.Summary;
}
