using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Pipelines;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Runs;

/// <summary>A pipelines workflow's part of the plan: its artifacts and cache paths, and the runs its deps resolve to.</summary>
public static partial class RunPlanner
{
    private static RunSpec WithWorkflow(RunSpec spec, Workflow workflow, RunRequest request, ConfigurationDocument document, string display, List<Diagnostic> diagnostics)
    {
        var artifacts = workflow.Artifacts.Select(a => WorkflowPathRule.Normalize(a.Path)).Distinct(StringComparer.Ordinal).ToList();
        var cache = workflow.Cache.Select(c => WorkflowPathRule.Normalize(c.Path)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var (paths, key) in new[] { (artifacts, "artifacts"), (cache, "cache") })
        {
            // Each path is saved to a folder of its own: two that share one (output and output/model) would save files twice.
            foreach (var inner in paths.Where(p => paths.Any(o => o != p && WorkflowPaths.SavedFolder(p).StartsWith(WorkflowPaths.SavedFolder(o) + "/", StringComparison.Ordinal))))
            {
                diagnostics.Add(new Diagnostic(DiagnosticCodes.InvalidWorkflow, DiagnosticSeverity.Error, $"workflow `{workflow.Name}`: {key}: `{inner}` is inside another of its paths; keep only the outer one", document.SourceMap.ValueSpan(workflow, key), display));
            }
        }

        var deps = new List<DepArtifacts>();
        StateStore? store = null;
        foreach (var dep in workflow.Deps)
        {
            var span = document.SourceMap.EntryOf(dep, dep.Workflow is not null ? "workflow" : "tag")?.Value.Span ?? document.SourceMap.ValueSpan(workflow, "deps");
            try
            {
                store ??= StateStore.Open(request.Home);
            }
            catch (StateException e)
            {
                diagnostics.Add(new Diagnostic(DiagnosticCodes.StateUnavailable, DiagnosticSeverity.Error, $"workflow `{workflow.Name}`: deps need the state store: {e.Message}", span, display));
                break;
            }

            RunRecord? run;
            string label;
            if (dep.Workflow is { } name)
            {
                label = $"workflow {name}";
                run = store.LastSuccessfulRun(spec.RepoRoot, name);
                if (run is null)
                {
                    diagnostics.Add(new Diagnostic(DiagnosticCodes.UnknownWorkflow, DiagnosticSeverity.Error, $"workflow `{workflow.Name}`: deps: workflow `{name}` has no successful run in {spec.RepoRoot} yet, so it has no artifacts to give; run it first (dstack run {name}), or run both in order with dstack run {workflow.Name} --with-deps", span, display));
                    continue;
                }
            }
            else
            {
                var tag = dep.Tag!;
                label = $"tag {tag}";
                var found = store.FindTag(tag);
                run = found is null ? null : store.FindRun(found.RunId);
                if (run is null)
                {
                    var tags = store.ListTags().Select(t => t.Name).ToList();
                    var nearest = DidYouMean.Find(tag, tags);
                    var known = tags.Count == 0 ? "there are no tags yet" : nearest is not null ? $"did you mean `{nearest}`?" : $"the tags are: {string.Join(", ", tags)}";
                    diagnostics.Add(new Diagnostic(DiagnosticCodes.UnknownWorkflow, DiagnosticSeverity.Error, $"workflow `{workflow.Name}`: deps: no tag named `{tag}` ({known}); tag a finished run with dstack tags add {tag} RUN", span, display));
                    continue;
                }
            }

            var saved = store.ListArtifacts(run.Id).Select(a => a.Path).ToList();
            if (saved.Count == 0)
            {
                diagnostics.Add(new Diagnostic(DiagnosticCodes.UnknownWorkflow, DiagnosticSeverity.Warning, $"workflow `{workflow.Name}`: deps: {label} is the run {run.Name}, which saved no artifacts; the workflow gets nothing from it", span, display));
            }

            deps.Add(new DepArtifacts(label, run.Name, saved));
        }

        return spec with
        {
            Workflow = workflow.Name,
            Artifacts = artifacts,
            Cache = cache,
            Deps = deps,
        };
    }

    /// <summary>For a folder without .dstack.yml that has workflows: how to run one.</summary>
    private static string WorkflowsHint(string repoRoot)
    {
        var catalog = WorkflowCatalog.Load(repoRoot);
        return catalog.Workflows.Count == 0 ? string.Empty : $", or run a workflow of .dstack/workflows by name: dstack run {catalog.Workflows[0].Name}";
    }
}
