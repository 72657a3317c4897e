using System.CommandLine;
using Dstack.Cli.Runs;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Cli.Commands;

/// <summary><c>dstack stop RUN [-x] [-y]</c>: stops a run gracefully (SIGTERM, then SIGKILL after stop_duration), or aborts it.</summary>
public static class StopCommand
{
    public static Command Create(TextWriter output, TextWriter error, Func<CliContext> context)
    {
        var run = new Argument<string>("RUN") { Description = "The run name (see dstack ps)." };
        var abort = new Option<bool>("--abort", "-x") { Description = "Kill the jobs at once instead of giving them stop_duration to finish." };
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation." };
        var noWait = new Option<bool>("--no-wait") { Description = "Return once the stop is requested, without waiting for the jobs to end." };
        var command = new Command("stop", "Stop a run: every job gets SIGTERM and stop_duration (default 5m) to finish, then SIGKILL. Returns when nothing of it is left.") { run, abort, yes, noWait };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var cli = context();
            if (!CommandSupport.TryOpenStore(cli, error, out var store) || !CommandSupport.TryFindRun(store, parse.GetValue(run)!, error, out var record))
            {
                return DstackCommandLine.ProblemsFound;
            }

            if (record.Status.IsFinished())
            {
                await output.WriteLineAsync($"{record.Name} has already finished ({record.Status.ToText()}).");
                return DstackCommandLine.Success;
            }

            var aborting = parse.GetValue(abort);
            if (!parse.GetValue(yes) && cli.Interactive)
            {
                await output.WriteAsync($"{(aborting ? "Abort" : "Stop")} the run {record.Name}? [y/n]: ");
                if (Console.ReadLine()?.Trim().StartsWith("y", StringComparison.OrdinalIgnoreCase) != true)
                {
                    return DstackCommandLine.Success;
                }
            }

            RunMonitor.RequestStop(store, record, aborting);
            if (parse.GetValue(noWait))
            {
                await output.WriteLineAsync($"{(aborting ? "Aborting" : "Stopping")} {record.Name}.");
                return DstackCommandLine.Success;
            }

            if (aborting)
            {
                // An abort never asks to be repeated: a controller that does not answer is killed, and the jobs with it.
                var (aborted, forced) = await RunMonitor.CompleteAbortAsync(store, record, cancellationToken);
                await output.WriteLineAsync(forced
                    ? $"{aborted.Name} aborted: its controller did not end it within {RunMonitor.AbortLimit.TotalSeconds:0} s, so the controller and the jobs were killed."
                    : $"{aborted.Name} {(aborted.Status == RunStatus.Aborted ? "aborted" : aborted.Status.ToText())}.");
                return aborted.Status.IsFinished() ? DstackCommandLine.Success : DstackCommandLine.ProblemsFound;
            }

            var stopSeconds = CommandSupport.SpecOf(record)?.StopDuration;
            var limit = stopSeconds is { } s ? TimeSpan.FromSeconds(s + 30) : TimeSpan.FromDays(1);
            var final = await RunMonitor.WaitAsync(store, record, limit, cancellationToken);
            await output.WriteLineAsync(final.Status.IsFinished()
                ? $"{final.Name} {(final.Status == RunStatus.Aborted ? "aborted" : final.Status.ToText())}."
                : $"{final.Name} is still {final.Status.ToText()}; its jobs have until stop_duration to finish (dstack stop -x {final.Name} kills them now).");
            return final.Status.IsFinished() ? DstackCommandLine.Success : DstackCommandLine.ProblemsFound;
        });
        return command;
    }
}
