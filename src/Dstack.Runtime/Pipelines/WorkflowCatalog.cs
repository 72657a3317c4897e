using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Pipelines;

/// <summary>
/// Every workflow of a repository's <c>.dstack/workflows/*.yaml</c> (and <c>*.yml</c>), read and checked: what
/// <c>dstack run NAME</c> resolves, what <c>deps: [{workflow: NAME}]</c> may name, and the order
/// <c>--with-deps</c> runs them in. The CLI, MSBuild and the language server all read workflows through it.
/// </summary>
public sealed class WorkflowCatalog
{
    private WorkflowCatalog(string repoRoot, IReadOnlyList<ConfigurationDocument> files)
    {
        RepoRoot = repoRoot;
        Files = files;
        var entries = new List<WorkflowEntry>();
        foreach (var file in files)
        {
            foreach (var workflow in file.Workflows?.Workflows ?? [])
            {
                if (workflow.Name.Length > 0 && !entries.Any(e => e.Name == workflow.Name))
                {
                    entries.Add(new WorkflowEntry(workflow, file));
                }
            }
        }

        Workflows = entries;
    }

    /// <summary>The repository folder.</summary>
    public string RepoRoot { get; }

    /// <summary>The workflows files, by path.</summary>
    public IReadOnlyList<ConfigurationDocument> Files { get; }

    /// <summary>Every workflow with a name; a name defined twice counts the first time (the file says it is defined twice).</summary>
    public IReadOnlyList<WorkflowEntry> Workflows { get; }

    /// <summary>The folder of the workflows files: <c>REPO/.dstack/workflows</c>.</summary>
    public static string FolderOf(string repoRoot) => Path.Combine(repoRoot, ".dstack", "workflows");

    /// <summary>
    /// Reads the workflows files of <paramref name="repoRoot"/>; <paramref name="openText"/> gives a file's text when an
    /// editor holds a newer one than the disk (null: read the disk). Paths in diagnostics are relative to
    /// <paramref name="displayFrom"/> when given.
    /// </summary>
    public static WorkflowCatalog Load(string repoRoot, Func<string, string?>? openText = null, string? displayFrom = null)
    {
        var folder = FolderOf(repoRoot);
        var files = new List<ConfigurationDocument>();
        IEnumerable<string> paths;
        try
        {
            paths = Directory.Exists(folder)
                ? Directory.EnumerateFiles(folder).Where(p => p.EndsWith(".yaml", StringComparison.Ordinal) || p.EndsWith(".yml", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList()
                : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            paths = [];
        }

        foreach (var path in paths)
        {
            var display = displayFrom is null ? path : Path.GetRelativePath(displayFrom, path);
            files.Add(openText?.Invoke(path) is { } text ? ConfigurationLoader.LoadText(display, text) : ConfigurationLoader.LoadFile(path, display));
        }

        return new WorkflowCatalog(repoRoot, files);
    }

    /// <summary>The workflow named <paramref name="name"/>, or null.</summary>
    public WorkflowEntry? Find(string name) => Workflows.FirstOrDefault(w => w.Name == name);

    /// <summary>
    /// Why <paramref name="name"/> is no workflow here, with the ones that exist and the nearest ("did you mean"), and
    /// the first error of each workflows file that has one (a file that cannot be read may be where it is defined).
    /// </summary>
    public string Unknown(string name)
    {
        var errors = Files.Select(f => f.Diagnostics.FirstOrDefault(d => d.IsError)).OfType<Diagnostic>().Select(d => d.ToString()).ToList();
        var unreadable = errors.Count == 0 ? string.Empty : $"; fix the workflows {(errors.Count == 1 ? "file" : "files")} with errors, which may define it: {string.Join("; ", errors)}";
        if (Workflows.Count == 0)
        {
            return Files.Count == 0
                ? $"no workflow named `{name}`: {Path.Combine(".dstack", "workflows")} has no workflows files in {RepoRoot}"
                : $"no workflow named `{name}`: the workflows files in {Path.Combine(".dstack", "workflows")} define none that can run{unreadable}";
        }

        var nearest = DidYouMean.Find(name, Workflows.Select(w => w.Name));
        var list = string.Join(", ", Workflows.Select(w => w.Name));
        return nearest is null
            ? $"no workflow named `{name}`; the workflows are: {list}{unreadable}"
            : $"no workflow named `{name}`; did you mean `{nearest}`? The workflows are: {list}{unreadable}";
    }

    /// <summary>
    /// Unknown workflows in <c>deps</c> (with "did you mean") and cycles of deps, each at the entry of the file that
    /// makes it: what <c>dstack validate</c>, the planner and the editor report. With <paramref name="only"/>, just the
    /// problems of those workflows (their unknown deps, the cycles through one of them): what a run of one workflow
    /// must not start with, while a broken workflow it does not need leaves it alone.
    /// </summary>
    public IReadOnlyList<Diagnostic> CheckDependencies(IReadOnlySet<string>? only = null)
    {
        var problems = new List<Diagnostic>();
        foreach (var entry in Workflows.Where(e => only is null || only.Contains(e.Name)))
        {
            foreach (var dep in entry.Workflow.Deps)
            {
                if (dep.Workflow is not { } name || name == entry.Name)
                {
                    continue;
                }

                if (Find(name) is null)
                {
                    var nearest = DidYouMean.Find(name, Workflows.Select(w => w.Name).Where(n => n != entry.Name));
                    var message = $"workflow `{entry.Name}`: deps: no workflow named `{name}` in {Path.Combine(".dstack", "workflows")}" + (nearest is null ? $"; the workflows are: {string.Join(", ", Workflows.Select(w => w.Name))}" : $"; did you mean `{nearest}`?");
                    problems.Add(new Diagnostic(DiagnosticCodes.UnknownWorkflow, DiagnosticSeverity.Error, message, entry.SpanOf(dep), entry.Document.Path)
                    {
                        Suggestion = nearest is null ? null : new Suggestion(entry.SpanOf(dep), nearest),
                    });
                }
            }
        }

        foreach (var cycle in Cycles().Where(c => only is null || c.Any(w => only.Contains(w.Name))))
        {
            var first = cycle[0];
            var dep = first.Workflow.Deps.First(d => d.Workflow == cycle[1 % cycle.Count].Name);
            problems.Add(new Diagnostic(
                DiagnosticCodes.WorkflowCycle,
                DiagnosticSeverity.Error,
                $"workflow `{first.Name}`: deps form a cycle: {string.Join(" → ", cycle.Select(w => w.Name))} → {first.Name}; a workflow cannot need its own artifacts: remove one of these deps",
                first.SpanOf(dep),
                first.Document.Path));
        }

        return problems;
    }

    /// <summary>
    /// <paramref name="name"/> and every workflow its <c>deps</c> reach (through theirs, cycles included): the workflows
    /// a run of it depends on.
    /// </summary>
    public IReadOnlySet<string> Needs(string name)
    {
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var next = new Stack<string>([name]);
        while (next.TryPop(out var current))
        {
            if (reached.Add(current) && Find(current) is { } entry)
            {
                foreach (var dep in entry.Workflow.Deps.Where(d => d.Workflow is not null))
                {
                    next.Push(dep.Workflow!);
                }
            }
        }

        return reached;
    }

    /// <summary>
    /// The workflows <c>--with-deps</c> runs before <paramref name="name"/>, deepest first (each once), then
    /// <paramref name="name"/> itself; tag deps need no run. Null with <paramref name="problem"/> for an unknown
    /// workflow or a cycle.
    /// </summary>
    public IReadOnlyList<WorkflowEntry>? RunOrder(string name, out string? problem)
    {
        problem = null;
        var order = new List<WorkflowEntry>();
        var visiting = new List<string>();
        string? failure = null;

        void Visit(WorkflowEntry entry)
        {
            if (failure is not null || order.Contains(entry))
            {
                return;
            }

            if (visiting.Contains(entry.Name))
            {
                failure = $"workflow `{name}`: deps form a cycle: {string.Join(" → ", visiting.SkipWhile(v => v != entry.Name))} → {entry.Name}; remove one of these deps";
                return;
            }

            visiting.Add(entry.Name);
            foreach (var dep in entry.Workflow.Deps.Where(d => d.Workflow is not null))
            {
                if (Find(dep.Workflow!) is not { } needed)
                {
                    failure = $"workflow `{entry.Name}`: deps: {Unknown(dep.Workflow!)}";
                    return;
                }

                Visit(needed);
            }

            visiting.RemoveAt(visiting.Count - 1);
            order.Add(entry);
        }

        if (Find(name) is not { } target)
        {
            problem = Unknown(name);
            return null;
        }

        Visit(target);
        problem = failure;
        return failure is null ? order : null;
    }

    /// <summary>Each cycle once, as the workflows along it, starting from the one defined first.</summary>
    private List<List<WorkflowEntry>> Cycles()
    {
        var cycles = new List<List<WorkflowEntry>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = new List<WorkflowEntry>();

        void Visit(WorkflowEntry entry)
        {
            state[entry.Name] = 1;
            path.Add(entry);
            foreach (var dep in entry.Workflow.Deps)
            {
                if (dep.Workflow is not { } name || name == entry.Name || Find(name) is not { } next)
                {
                    continue;
                }

                if (state.GetValueOrDefault(next.Name) == 1)
                {
                    var cycle = path.SkipWhile(p => p.Name != next.Name).ToList();
                    var start = cycle.MinBy(c => Workflows.ToList().IndexOf(c))!;
                    var rotated = cycle.SkipWhile(c => c != start).Concat(cycle.TakeWhile(c => c != start)).ToList();
                    if (seen.Add(string.Join('\n', rotated.Select(r => r.Name))))
                    {
                        cycles.Add(rotated);
                    }
                }
                else if (state.GetValueOrDefault(next.Name) == 0)
                {
                    Visit(next);
                }
            }

            path.RemoveAt(path.Count - 1);
            state[entry.Name] = 2;
        }

        foreach (var entry in Workflows.Where(e => state.GetValueOrDefault(e.Name) == 0))
        {
            Visit(entry);
        }

        return cycles;
    }
}

/// <summary>One workflow and the file that defines it.</summary>
public sealed record WorkflowEntry(Workflow Workflow, ConfigurationDocument Document)
{
    public string Name => Workflow.Name;

    /// <summary>Where <paramref name="dep"/> is written in the file (its value), else the workflow's name.</summary>
    public SourceSpan SpanOf(WorkflowDep dep)
    {
        var entry = Document.SourceMap.EntryOf(dep, dep.Workflow is not null ? "workflow" : "tag");
        return entry?.Value.Span ?? Document.SourceMap.ValueSpan(Workflow, "name");
    }
}
