using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Workflows;
using Dstack.Runtime.Pipelines;

namespace Dstack.LanguageServer.Completion;

/// <summary>
/// <c>deps: - workflow: ‸</c>: every workflow of the repository's <c>.dstack/workflows</c> files (open buffers' text
/// over the disk's), but the workflow being written, which cannot need its own artifacts.
/// </summary>
public static class WorkflowNameCompletion
{
    public static void Add(CompletionItems items)
    {
        var request = items.Request;
        if (request.Workflows is not { } workflows)
        {
            return;
        }

        var own = WorkflowLines.NameAt(request.Lines, request.Context.Line);
        foreach (var entry in workflows.Catalog.Workflows.Where(w => w.Name != own))
        {
            var file = Path.GetFileName(entry.Document.Path);
            items.Value(entry.Name, CompletionItemKind.Reference, $"workflow in {file}", Summary(entry));
        }
    }

    private static string Summary(WorkflowEntry entry)
    {
        var workflow = entry.Workflow;
        var provider = workflow.Provider == Runtime.Configuration.Model.WorkflowProvider.Docker ? $"docker, in `{workflow.Image}`" : "bash";
        var artifacts = workflow.Artifacts.Count == 0 ? "no artifacts" : "artifacts: " + string.Join(", ", workflow.Artifacts.Select(a => $"`{a.Path}`"));
        return $"`{entry.Name}` ({provider}): {workflow.Commands.Count} command{(workflow.Commands.Count == 1 ? string.Empty : "s")}; {artifacts}";
    }
}
