using System.CommandLine;
using Dstack.Cli.Runs;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Cli.Commands;

/// <summary><c>dstack artifacts list | download</c>: the artifacts pipelines' runs saved in <c>$DSTACK_HOME/artifacts/RUN/</c>.</summary>
public static class ArtifactsCommand
{
    public static Command Create(TextWriter output, TextWriter error, Func<CliContext> context)
    {
        var command = new Command("artifacts", "The artifacts workflow runs saved when they ended: list, download.");
        command.Subcommands.Add(ArtifactsListCommand.Create(output, error, context));
        command.Subcommands.Add(ArtifactsDownloadCommand.Create(output, error, context));
        return command;
    }

    /// <summary>
    /// Why a run has no saved artifacts, in words: it has not ended yet, it is not a workflow run, its workflow lists
    /// none, or none of the paths existed when it ended.
    /// </summary>
    internal static string WhyNone(RunRecord run)
    {
        if (!run.Status.IsFinished())
        {
            return $"it is still {run.Status.ToText()}: artifacts are saved when it ends (dstack logs -f {run.Name} follows it)";
        }

        var spec = CommandSupport.SpecOf(run);
        return spec switch
        {
            null or { Workflow: null } => "it is not a workflow run: only the artifacts of .dstack/workflows runs are saved",
            { Artifacts.Count: 0 } => $"its workflow {spec.Workflow} lists no artifacts",
            _ => $"it ended {run.Status.ToText()} and none of its artifact paths ({string.Join(", ", spec.Artifacts)}) could be saved; dstack logs {run.Name} says why",
        };
    }
}
