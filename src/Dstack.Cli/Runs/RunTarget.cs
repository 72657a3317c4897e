using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Pipelines;

namespace Dstack.Cli.Runs;

/// <summary>
/// What <c>dstack run WORD</c> runs: the folder WORD (its <c>.dstack.yml</c>, or <c>-f</c>), or the workflow WORD of
/// the current folder's <c>.dstack/workflows</c>. A word that is both is refused with how to choose (<c>./WORD</c> for
/// the folder, <c>--workflow WORD</c> for the workflow); a word that is neither, where workflows exist, lists them.
/// </summary>
/// <param name="RepoFolder">The folder whose code the run gets.</param>
/// <param name="Workflow">The workflow to run; null for a configuration file.</param>
/// <param name="Problem">Why nothing can run (with its code), or null.</param>
/// <param name="IsUsageError">The problem is in how the command was written (exit code 2), not in the files.</param>
public sealed record RunTarget(string RepoFolder, string? Workflow, (string Code, string Message)? Problem = null, bool IsUsageError = false)
{
    public static RunTarget Resolve(string workingDirectory, string? word, string? file, string? workflowOption)
    {
        if (workflowOption is { } named)
        {
            if (file is not null)
            {
                return new RunTarget(".", null, (DiagnosticCodes.InvalidOption, $"--workflow {named} and -f {file} exclude each other: a workflow is defined in .dstack/workflows; give one"), IsUsageError: true);
            }

            var repo = word ?? ".";
            var catalog = WorkflowCatalog.Load(Path.GetFullPath(repo, workingDirectory));
            return catalog.Find(named) is null
                ? new RunTarget(repo, null, (DiagnosticCodes.UnknownWorkflow, catalog.Unknown(named)))
                : new RunTarget(repo, named);
        }

        if (word is null || file is not null)
        {
            return new RunTarget(word ?? ".", null);
        }

        var folder = Path.GetFullPath(word, workingDirectory);
        var isFolder = Directory.Exists(folder);
        var looksLikePath = word.Contains('/', StringComparison.Ordinal) || word is "." or "..";
        if (looksLikePath)
        {
            return new RunTarget(word, null);
        }

        var workflows = WorkflowCatalog.Load(workingDirectory);
        var isWorkflow = workflows.Find(word) is not null;
        if (isFolder && isWorkflow)
        {
            return new RunTarget(word, null, (DiagnosticCodes.InvalidOption, $"`{word}` is both a folder and a workflow of .dstack/workflows; write dstack run ./{word} for the folder, or dstack run --workflow {word} for the workflow"), IsUsageError: true);
        }

        if (isWorkflow)
        {
            return new RunTarget(".", word);
        }

        if (!isFolder && workflows.Workflows.Count > 0)
        {
            return new RunTarget(word, null, (DiagnosticCodes.UnknownWorkflow, $"{word}: no such folder, and {workflows.Unknown(word)}"));
        }

        return new RunTarget(word, null);
    }
}
