using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dstack.Cli.Rendering;
using Dstack.Cli.Runs;
using Dstack.Runtime.Hosts;
using Dstack.Runtime.State;

namespace Dstack.Cli.Commands;

/// <summary><c>dstack tags list [--json]</c>: every tag with its run, the run's workflow, when it was made and the run's artifacts.</summary>
public static class TagsListCommand
{
    public static Command Create(TextWriter output, TextWriter error, Func<CliContext> context)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON: {\"tags\": [{name, run, workflow, status, created_at, artifacts: {count, files, size}}]}." };
        var command = new Command("list", "List the tags: the run each names, its workflow, when it was tagged, and the size of its artifacts.") { json };
        command.SetAction(parse =>
        {
            var cli = context();
            if (!CommandSupport.TryOpenStore(cli, error, out var store))
            {
                return DstackCommandLine.ProblemsFound;
            }

            var tags = store.ListTags().Select(t => (Tag: t, Run: store.FindRun(t.RunId), Artifacts: store.ListArtifacts(t.RunId))).ToList();
            if (parse.GetValue(json))
            {
                var array = new JsonArray([.. tags.Select(t => (JsonNode)new JsonObject
                {
                    ["name"] = t.Tag.Name,
                    ["run"] = t.Tag.RunName,
                    ["workflow"] = t.Run is null ? null : CommandSupport.SpecOf(t.Run)?.Workflow,
                    ["status"] = t.Run?.Status.ToText(),
                    ["created_at"] = t.Tag.CreatedAt.ToString("O"),
                    ["artifacts"] = new JsonObject { ["count"] = t.Artifacts.Count, ["files"] = t.Artifacts.Sum(a => a.Files), ["size"] = t.Artifacts.Sum(a => a.Size) },
                })]);
                output.WriteLine(new JsonObject { ["tags"] = array }.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
                return DstackCommandLine.Success;
            }

            if (tags.Count == 0)
            {
                output.WriteLine("No tags; tag a finished run with dstack tags add TAG RUN.");
                return DstackCommandLine.Success;
            }

            var now = DateTimeOffset.UtcNow;
            TextTable.Write(
                output,
                ["TAG", "RUN", "WORKFLOW", "CREATED", "ARTIFACTS"],
                tags.Select(t => (IReadOnlyList<string>)[
                    t.Tag.Name,
                    t.Tag.RunName,
                    (t.Run is null ? null : CommandSupport.SpecOf(t.Run)?.Workflow) ?? "-",
                    PsCommand.Ago(now - t.Tag.CreatedAt),
                    t.Artifacts.Count == 0 ? "none" : Bytes.Format(t.Artifacts.Sum(a => a.Size)),
                ]),
                !Console.IsOutputRedirected && ReferenceEquals(output, Console.Out) && string.IsNullOrEmpty(System.Environment.GetEnvironmentVariable("NO_COLOR")));
            return DstackCommandLine.Success;
        });
        return command;
    }
}
