using System.CommandLine;
using Dstack.Cli.Runs;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Hosts;
using Dstack.Runtime.Pipelines;
using Dstack.Runtime.State;

namespace Dstack.Cli.Commands;

/// <summary>
/// <c>dstack prune cache WORKFLOW [--repo DIR]</c> and <c>dstack prune cache --all [--repo DIR]</c>: deletes workflows'
/// caches in <c>$DSTACK_HOME/cache/workflows/</c> and says how much space came back. A cache that a running run uses
/// is deleted too: a run reads its cache once, when it starts, and writes a whole new generation when it ends, so the
/// worst a delete does is leave that run, or the next one, to start without the cache.
/// </summary>
public static class PruneCacheCommand
{
    public static Command Create(TextWriter output, TextWriter error, Func<CliContext> context)
    {
        var workflow = new Argument<string?>("WORKFLOW") { Description = "The workflow whose caches to delete (of the repository folder --repo). Leave it out with --all.", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Delete the caches of every workflow (of every repository folder, or of --repo DIR when given)." };
        var repo = new Option<string?>("--repo") { Description = "The repository folder whose caches to delete. Default: the current folder for WORKFLOW; every folder for --all.", HelpName = "DIR" };
        var command = new Command("cache", "Delete workflows' caches (cache: paths kept between runs) and say how much space came back.") { workflow, all, repo };
        command.SetAction(parse =>
        {
            var name = parse.GetValue(workflow);
            var everything = parse.GetValue(all);
            if ((name is null) == !everything)
            {
                error.WriteLine($"dstack: error {DiagnosticCodes.InvalidOption}: {(everything ? "give WORKFLOW or --all, not both" : "name the WORKFLOW whose caches to delete, or pass --all")}: dstack prune cache WORKFLOW, or dstack prune cache --all");
                return DstackCommandLine.UsageError;
            }

            var cli = context();
            var folder = parse.GetValue(repo) is { } given ? Trim(Path.GetFullPath(given, cli.WorkingDirectory)) : everything ? null : Trim(cli.WorkingDirectory);
            IReadOnlyList<(WorkflowCache Cache, string Repo, string Workflow, string Path)> caches;
            try
            {
                caches = WorkflowCache.List(cli.Home);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"dstack: error {DiagnosticCodes.PruneFailed}: the caches in {cli.Home.WorkflowCachesFolder} cannot be listed: {e.Message}; check the folder's permissions");
                return DstackCommandLine.ProblemsFound;
            }

            var chosen = caches.Where(c => (folder is null || Trim(c.Repo) == folder) && (name is null || c.Workflow == name)).ToList();
            if (chosen.Count == 0)
            {
                output.WriteLine(NothingFound(caches, name, folder));
                return DstackCommandLine.Success;
            }

            long freed = 0;
            var deleted = 0;
            var code = DstackCommandLine.Success;
            foreach (var (cache, _, cacheWorkflow, path) in chosen)
            {
                try
                {
                    freed += cache.Delete();
                    deleted++;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    error.WriteLine($"dstack: error {DiagnosticCodes.PruneFailed}: the cache of {(cacheWorkflow.Length > 0 ? $"{cacheWorkflow} ({path})" : "an unknown workflow")} at {cache.Root} could not be deleted: {e.Message}; check its permissions (or delete the folder by hand) and run the prune again");
                    code = DstackCommandLine.ProblemsFound;
                }
            }

            var what = name is null ? $"{deleted} cache{(deleted == 1 ? string.Empty : "s")}" : $"{deleted} cache{(deleted == 1 ? string.Empty : "s")} of the workflow {name}";
            output.WriteLine($"Deleted {what}{(folder is null ? string.Empty : $" in {folder}")}: {Bytes.Format(freed)} freed.");
            return code;
        });
        return command;
    }

    /// <summary>No cache matched: say what caches there are, with a suggestion for a misspelt workflow.</summary>
    private static string NothingFound(IReadOnlyList<(WorkflowCache Cache, string Repo, string Workflow, string Path)> caches, string? name, string? folder)
    {
        var where = folder is null ? string.Empty : $" in {folder}";
        var here = caches.Where(c => folder is null || Trim(c.Repo) == folder).Select(c => c.Workflow).Where(w => w.Length > 0).Distinct().Order(StringComparer.Ordinal).ToList();
        if (name is null || here.Count == 0)
        {
            var elsewhere = caches.Count > 0 && folder is not null ? $" (other folders have {caches.Count}: name one with --repo DIR, or delete every cache with --all)" : string.Empty;
            return $"No {(name is null ? "workflow caches" : $"cache of the workflow {name}")}{where}; nothing to delete{elsewhere}.";
        }

        var hint = DidYouMean.Find(name, here) is { } best ? $"; did you mean {best}?" : string.Empty;
        return $"No cache of the workflow {name}{where}; the workflows with caches here are: {string.Join(", ", here)}{hint}";
    }

    private static string Trim(string path) => path.Length > 1 ? path.TrimEnd('/') : path;
}
