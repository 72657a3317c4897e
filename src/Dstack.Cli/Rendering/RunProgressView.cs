using Dstack.Runtime.Runs;
using Dstack.Runtime.State;
using Spectre.Console;

namespace Dstack.Cli.Rendering;

/// <summary>
/// A run's way to running, in a terminal: one line per job with a spinner (provisioning, waiting) that becomes an upload
/// bar while its code is sent, until every job runs (or the run ends); then the logs follow. It reads the run's typed
/// progress events from the state store, never its log lines. Outside a terminal nothing is drawn: the log's own lines
/// say the same in words (which is what MSBuild and scripts get).
/// </summary>
public static class RunProgressView
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(150);

    /// <summary>Shows the view on standard error until every job runs, the run ends, or <paramref name="cancellationToken"/> is cancelled.</summary>
    public static async Task ShowAsync(StateStore store, RunRecord run, int nodes, CancellationToken cancellationToken)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        await console.Progress()
            .AutoClear(true)
            .Columns(new SpinnerColumn(), new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn())
            .StartAsync(async context =>
            {
                var jobs = Enumerable.Range(0, Math.Max(1, nodes)).Select(rank => new JobLine(rank, context.AddTask($"job {rank}: submitted", maxValue: 1).IsIndeterminate())).ToList();
                long last = 0;
                while (!cancellationToken.IsCancellationRequested)
                {
                    var reachable = false;
                    foreach (var item in store.ListRunEvents(run.Id, last))
                    {
                        last = item.Id;
                        Apply(item.Progress, jobs);
                        reachable |= item.Progress is EndpointProgress;
                    }

                    // A published endpoint (a service's URL) ends the view too: a service scaled to zero has no job running yet.
                    if (reachable || jobs.All(j => j.Running) || (store.FindRun(run.Id)?.Status.IsFinished() ?? true))
                    {
                        return;
                    }

                    try
                    {
                        await Task.Delay(Poll, cancellationToken);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            });
    }

    /// <summary>What one event changes on the lines: its job's, or every job's for a wait.</summary>
    public static void Apply(RunProgress progress, IReadOnlyList<JobLine> jobs)
    {
        if (progress is WaitingProgress waiting)
        {
            foreach (var job in jobs)
            {
                job.Say($"waiting for {Markup.Escape(waiting.Reason)}");
            }

            return;
        }

        if (progress.Rank >= jobs.Count)
        {
            return;
        }

        var line = jobs[progress.Rank];
        switch (progress)
        {
            case ProvisioningProgress p:
                line.Say($"provisioning {Markup.Escape(p.Instance)} ({Markup.Escape(p.Backend)})");
                break;
            case ProvisioningStepProgress s:
                line.Say(Markup.Escape(s.Detail));
                break;
            case UploadProgress u:
                line.Upload($"sending the code to {Markup.Escape(u.Host)}", u.Sent, u.Total);
                break;
            case UploadedProgress u:
                line.Upload($"the code is on {Markup.Escape(u.Host)}", u.Bytes, u.Bytes);
                break;
            case PullingProgress { TotalBytes: > 0 } p:
                line.Upload($"pulling {Markup.Escape(p.Image)} ({p.LayersDone}/{p.Layers} layers)", p.Bytes, p.TotalBytes);
                break;
            case PullingProgress p:
                line.Say($"pulling {Markup.Escape(p.Image)}");
                break;
            case RunningProgress r:
                line.Run($"running on {Markup.Escape(r.Host)}");
                break;
        }
    }

    /// <summary>One job's line of the view.</summary>
    public sealed class JobLine(int rank, ProgressTask task)
    {
        public bool Running { get; private set; }

        public string Description => task.Description;

        public void Say(string what)
        {
            task.Description = $"job {rank}: {what}";
            task.IsIndeterminate = true;
        }

        public void Upload(string what, long sent, long total)
        {
            task.Description = $"job {rank}: {what}";
            task.IsIndeterminate = false;
            task.MaxValue = Math.Max(1, total);
            task.Value = Math.Min(sent, task.MaxValue);
        }

        public void Run(string what)
        {
            task.Description = $"job {rank}: {what}";
            task.IsIndeterminate = false;
            task.Value = task.MaxValue;
            task.StopTask();
            Running = true;
        }
    }
}
