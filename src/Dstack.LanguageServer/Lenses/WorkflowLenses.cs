using Dstack.LanguageServer.Commands;
using Dstack.LanguageServer.Protocol;
using Dstack.Runtime.Configuration;
using Dstack.Runtime.Diagnostics;

namespace Dstack.LanguageServer.Lenses;

/// <summary>
/// The lenses of a workflows file, one set per workflow on its <c>name:</c> line: <c>▶ Run NAME</c>, and
/// <c>▶ Run with deps</c> when it has workflow deps (<c>--with-deps</c> runs them first). Both run <c>dstack.run</c>
/// with the workflow's name in the second argument, as the editor runs a task's Run lens.
/// </summary>
public static class WorkflowLenses
{
    public const string WithDepsTitle = "▶ Run with deps";

    public static string RunTitle(string name) => $"▶ Run {name}";

    public static IReadOnlyList<RunLens> For(ConfigurationDocument document)
    {
        if (document.Kind != ConfigurationKind.Workflows || document.Workflows is not { } file)
        {
            return [];
        }

        var lenses = new List<RunLens>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var workflow in file.Workflows)
        {
            // A name defined twice runs the first definition: only that one has lenses.
            if (workflow.Name.Length == 0 || !seen.Add(workflow.Name) || document.SourceMap.EntryOf(workflow, "name") is not { } entry)
            {
                continue;
            }

            var key = entry.Key.Span;
            var value = entry.Value.Span;
            var span = new SourceSpan(key.StartLine, key.StartColumn, value.EndLine, value.EndColumn, key.Start, value.End);
            lenses.Add(new RunLens(span, RunTitle(workflow.Name), DstackCommands.Run, new RunCommandLineOptions(Workflow: workflow.Name)));
            if (workflow.Deps.Any(d => d.Workflow is not null))
            {
                lenses.Add(new RunLens(span, WithDepsTitle, DstackCommands.Run, new RunCommandLineOptions(Workflow: workflow.Name, WithDeps: true)));
            }
        }

        return lenses;
    }
}
