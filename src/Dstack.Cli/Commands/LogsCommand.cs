using System.CommandLine;
using Dstack.Cli.Rendering;
using Dstack.Cli.Runs;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Cli.Commands;

/// <summary><c>dstack logs RUN [-f] [--job N]</c>: a run's output, stdout to standard output and stderr to standard error.</summary>
public static class LogsCommand
{
    public static Command Create(TextWriter output, TextWriter error, Func<CliContext> context)
    {
        var run = new Argument<string>("RUN") { Description = "The run name (see dstack ps -a)." };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new output until the run ends (Ctrl+C stops following; the run goes on)." };
        var job = new Option<int?>("--job") { Description = "Only this job (node rank) of a multi-node run. Default: every job, lines prefixed with [rank].", HelpName = "N" };
        var command = new Command("logs", "Print a run's logs; with -f, follow them while it runs.") { run, follow, job };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var cli = context();
            if (!CommandSupport.TryOpenStore(cli, error, out var store) || !CommandSupport.TryFindRun(store, parse.GetValue(run)!, error, out var record))
            {
                return DstackCommandLine.ProblemsFound;
            }

            var nodes = CommandSupport.SpecOf(record)?.Nodes ?? 1;
            var only = parse.GetValue(job);
            if (only is { } rank && (rank < 0 || rank >= nodes))
            {
                await error.WriteLineAsync($"dstack logs: --job {rank}: the run has {nodes} job(s), numbered 0 to {nodes - 1}");
                return DstackCommandLine.UsageError;
            }

            // A finished run whose folder is gone (deleted by hand, or a cleaned $DSTACK_HOME) has nothing to show: say so.
            var logs = store.Home.LogsFolder(record.Name);
            if (record.Status.IsFinished() && !Directory.Exists(logs))
            {
                await error.WriteLineAsync($"dstack logs: the logs of {record.Name} are gone: {logs} no longer exists (it was deleted after the run ended); nothing to show");
                return DstackCommandLine.ProblemsFound;
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, signal =>
            {
                signal.Cancel = true;
                stop.Cancel();
            });
            var renderer = new LogRenderer(TextWriterStream.For(output, false), TextWriterStream.For(error, true), null, nodes > 1 && only is null, false);
            try
            {
                await RunFollower.FollowAsync(
                    store,
                    record,
                    nodes,
                    (rank, chunk) =>
                    {
                        if (only is null || only == rank)
                        {
                            renderer.Write(rank, chunk);
                        }
                    },
                    parse.GetValue(follow),
                    stop.Token);
            }
            catch (InvalidDataException e)
            {
                renderer.Flush();
                await error.WriteLineAsync($"dstack logs: {e.Message}");
                return DstackCommandLine.ProblemsFound;
            }

            renderer.Flush();
            return DstackCommandLine.Success;
        });
        return command;
    }
}
