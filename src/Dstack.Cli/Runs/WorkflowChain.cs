using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Pipelines;
using Dstack.Runtime.Runs;

namespace Dstack.Cli.Runs;

/// <summary>
/// <c>dstack run NAME --with-deps</c>: the workflows NAME's deps name (and theirs), deepest first, each run to its end
/// before the next is planned (so its deps find the run just made), then NAME; the first that does not succeed stops
/// the chain with its exit code. Run arguments and <c>-n</c> are NAME's own; the other options apply to every run.
/// </summary>
public static class WorkflowChain
{
    public static async Task<int> RunAsync(RunRequest request, CliContext cli, bool detach, bool yes, bool dryRun, TextWriter output, TextWriter error, Func<RunRequest, bool, Task<int>> runOne)
    {
        if (request.Workflow is not { } target)
        {
            await error.WriteLineAsync($"dstack: error {DiagnosticCodes.InvalidOption}: --with-deps is for workflows: dstack run NAME --with-deps, NAME a workflow of .dstack/workflows");
            return DstackCommandLine.UsageError;
        }

        if (detach)
        {
            await error.WriteLineAsync($"dstack: error {DiagnosticCodes.InvalidOption}: --with-deps waits for each workflow before it starts the next, so it cannot run detached (-d); leave out -d, or run the workflows one by one with -d");
            return DstackCommandLine.UsageError;
        }

        var catalog = WorkflowCatalog.Load(Path.GetFullPath(request.RepoFolder, request.WorkingDirectory));
        if (catalog.RunOrder(target, out var problem) is not { } order)
        {
            await error.WriteLineAsync($"dstack: error {(problem!.Contains("cycle", StringComparison.Ordinal) ? DiagnosticCodes.WorkflowCycle : DiagnosticCodes.UnknownWorkflow)}: {problem}");
            await error.WriteLineAsync("The run was not started.");
            return DstackCommandLine.ProblemsFound;
        }

        if (order.Count == 1)
        {
            await error.WriteLineAsync($"--with-deps: workflow {target} needs no other workflow; running it alone");
            return await runOne(request, yes);
        }

        var names = order.Select(w => w.Name).ToList();
        await error.WriteLineAsync($"--with-deps: {CountWordsOf(names.Count)} in order: {string.Join(" → ", names)}");
        if (dryRun)
        {
            // The later plans depend on runs the earlier ones make: only the first can be planned now.
            await error.WriteLineAsync($"--dry-run: the plan of {names[0]}; each later workflow is planned when the one before it has succeeded");
            return await runOne(ForStep(request, names[0], last: false), yes);
        }

        if (!yes && cli.Interactive)
        {
            await output.WriteAsync($"Run {string.Join(", then ", names)}? [y/n]: ");
            if (Console.ReadLine()?.Trim().StartsWith("y", StringComparison.OrdinalIgnoreCase) != true)
            {
                await error.WriteLineAsync("Not submitted.");
                return DstackCommandLine.Success;
            }
        }

        for (var i = 0; i < names.Count; i++)
        {
            var last = i == names.Count - 1;
            await error.WriteLineAsync($"--with-deps: {i + 1}/{names.Count}: {names[i]}");
            var code = await runOne(ForStep(request, names[i], last), true);
            if (code != DstackCommandLine.Success)
            {
                var skipped = names.Skip(i + 1).ToList();
                await error.WriteLineAsync($"--with-deps: {names[i]} did not succeed (exit code {code}); {string.Join(", ", skipped)} {(skipped.Count == 1 ? "was" : "were")} not run");
                return code;
            }
        }

        return DstackCommandLine.Success;
    }

    private static RunRequest ForStep(RunRequest request, string workflow, bool last) => last
        ? request
        : request with { Workflow = workflow, Overrides = request.Overrides with { RunArgs = [], Name = null } };

    private static string CountWordsOf(int count) => $"{count} workflows";
}
