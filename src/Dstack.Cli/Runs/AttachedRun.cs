using System.Runtime.InteropServices;
using Dstack.Cli.Rendering;
using Dstack.Runtime.Forwarding;
using Dstack.Runtime.Hosts;
using Dstack.Runtime.Logs;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Cli.Runs;

/// <summary>
/// Being attached to a run: its ports forwarded, its logs followed, until it ends or the user leaves. The first
/// Ctrl+C asks "Stop the run NAME before detaching?" in a terminal (and stops it when there is no one to ask); a
/// second Ctrl+C aborts it. Leaving closes every forwarded port.
/// </summary>
public sealed class AttachedRun(CliContext context, StateStore store, TextWriter output, TextWriter error, bool color)
{
    /// <summary>The exit code of a run the user interrupted.</summary>
    public const int Interrupted = 130;

    private int _interrupts;
    private volatile bool _stoppedForInput;
    private RunRecord? _run;
    private CancellationTokenSource _stopFollowing = new();
    private readonly TaskCompletionSource _aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile Task _abortCompleted = Task.CompletedTask;

    /// <param name="run">The run.</param>
    /// <param name="spec">Its spec.</param>
    /// <param name="master">The host of its master job, where its ports are.</param>
    /// <param name="ports">The local ports reserved for it; null when none are forwarded.</param>
    /// <param name="host">The address the forwarded ports listen on.</param>
    /// <param name="inputClosed">With <c>--stop-when-input-closes</c>: completes when standard input closes, which stops the run.</param>
    /// <param name="showProgress">True in a terminal: the jobs' way to running is drawn (<see cref="RunProgressView"/>) before the logs follow.</param>
    public async Task<int> RunAsync(RunRecord run, RunSpec spec, IJobHost master, PortReservation? ports, string host, Task? inputClosed = null, bool showProgress = false)
    {
        _run = run;
        inputClosed?.ContinueWith(_ => OnInputClosed(), TaskScheduler.Default);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        IAsyncDisposable? forwarding = null;
        try
        {
            UrlRewriter? rewriter = null;
            if (ports is not null)
            {
                // On this machine the forwarders start now; to another machine an SSH tunnel opens once the job runs.
                forwarding = master.ForwardPorts(store, run, ports, host, line => error.WriteLine(line));
                rewriter = new UrlRewriter(ports.Ports, host);
            }

            if (showProgress)
            {
                try
                {
                    // A service shows the replicas it starts with (a range starts at its lower bound), not its most.
                    var lines = spec.Service is { } service ? Math.Max(1, service.Scaler is null ? service.MaxReplicas : service.MinReplicas) : spec.Nodes;
                    await RunProgressView.ShowAsync(store, run, lines, _stopFollowing.Token);
                }
                catch (Exception e) when (e is StateException or InvalidOperationException or IOException)
                {
                    // The view is a help, never a reason to stop following: the logs say the same in words.
                }
            }

            var renderer = new LogRenderer(TextWriterStream.For(output, isError: false), TextWriterStream.For(error, isError: true), rewriter, spec.Nodes > 1, color);

            // Following again after the prompt reads each log from its start: count what was shown so nothing is shown twice.
            var shown = new long[Math.Max(1, spec.Nodes)];
            while (true)
            {
                var read = new long[shown.Length];
                void Show(int rank, LogChunk chunk)
                {
                    if (++read[rank] > shown[rank])
                    {
                        shown[rank]++;
                        renderer.Write(rank, chunk);
                    }
                }

                var current = await RunFollower.FollowAsync(store, store.FindRun(run.Id) ?? run, spec.Nodes, Show, follow: true, _stopFollowing.Token);
                renderer.Flush();
                if (current.Status.IsFinished())
                {
                    // A forced abort records the run first and then kills the controller and the jobs: let it finish.
                    await _abortCompleted;
                    await WaitForInstancesToEndAsync(current);
                    await ReportEndAsync(current);
                    return ExitCode(current);
                }

                // The first Ctrl+C in a terminal stopped the following: ask what to do.
                if (await AskToStopAsync(current))
                {
                    // A cancelled source cannot be reset; later Ctrl+Cs abort rather than stop following.
                    _stopFollowing = new CancellationTokenSource();
                    continue;
                }

                await error.WriteLineAsync($"Detached. {current.Name} keeps running: dstack attach {current.Name} | dstack logs {current.Name} -f | dstack stop {current.Name}");
                return 0;
            }
        }
        finally
        {
            if (forwarding is not null)
            {
                await forwarding.DisposeAsync();
            }
            else
            {
                ports?.Dispose();
            }
        }
    }

    /// <summary>
    /// The controller terminates a run's instances right after it records the run's end: wait for that (at most
    /// <see cref="InstanceEndLimit"/>), so that when this command returns nothing of the run is left running in a
    /// cloud, and a CI job that ends with the build cannot cut a termination short. The instances of a controller that
    /// is gone are terminated here (as any dstack command would at its start).
    /// </summary>
    private async Task WaitForInstancesToEndAsync(RunRecord run)
    {
        var deadline = DateTime.UtcNow + InstanceEndLimit;
        // The controller terminates them right after it records the end (a local instance within milliseconds):
        // look again soon at first, then every InstancePoll.
        var poll = TimeSpan.FromMilliseconds(5);
        try
        {
            while (store.ListInstances(run.Id).Any(i => i.IsActive))
            {
                if ((store.FindRun(run.Id) ?? run).ControllerPid is not { } pid || !Dstack.Runtime.Processes.Signals.IsAlive(pid))
                {
                    RunMonitor.ReconcileInstances(store);
                    return;
                }

                if (DateTime.UtcNow >= deadline)
                {
                    await error.WriteLineAsync($"dstack: the instances of {run.Name} are not terminated yet; dstack instance list shows them, and the next dstack command tries again");
                    return;
                }

                await Task.Delay(poll);
                poll = TimeSpan.FromTicks(Math.Min(poll.Ticks * 2, InstancePoll.Ticks));
            }
        }
        catch (StateException)
        {
            // The state store is unreadable now: the next dstack command reconciles what is left.
        }
    }

    private static readonly TimeSpan InstanceEndLimit = TimeSpan.FromMinutes(3);

    private static readonly TimeSpan InstancePoll = TimeSpan.FromMilliseconds(200);

    private int ExitCode(RunRecord run) => run.Status switch
    {
        RunStatus.Done => 0,
        RunStatus.Failed => run.ExitCode is { } code and not 0 ? code : 1,
        _ when _interrupts > 0 || _stoppedForInput => Interrupted,
        _ => 1,
    };

    /// <summary>
    /// The last line: a run that did not finish its work is an error naming it (DSTK3018), which MSBuild and CI show as
    /// such; one this process stopped (Ctrl+C, input closed) is only reported.
    /// </summary>
    private async Task ReportEndAsync(RunRecord run)
    {
        if (run.Status == RunStatus.Done)
        {
            return;
        }

        var how = TerminationReason.DescribeBeside(run.Status.ToText(), run.Reason, run.ExitCode);
        if (_interrupts > 0 || _stoppedForInput)
        {
            await error.WriteLineAsync($"{run.Name} {run.Status.ToText()}{(how.Length > 0 ? $" ({how})" : string.Empty)}.");
            return;
        }

        await error.WriteLineAsync($"dstack: error {Runtime.Diagnostics.DiagnosticCodes.RunFailed}: the run {run.Name} {run.Status.ToText()}{(how.Length > 0 ? $": {how}" : string.Empty)}; dstack logs {run.Name} shows its output");
    }

    private void OnInputClosed()
    {
        var run = _run!;
        if (_stoppedForInput || Volatile.Read(ref _interrupts) > 0)
        {
            return;
        }

        _stoppedForInput = true;
        if (RunMonitor.RequestStop(store, store.FindRun(run.Id) ?? run, abort: false))
        {
            error.WriteLine($"Stopping {run.Name}: standard input closed (cancelled)...");
        }
    }

    private void OnSignal(PosixSignalContext signal)
    {
        signal.Cancel = true;
        var count = Interlocked.Increment(ref _interrupts);
        var run = _run!;
        if (count == 1 && context.Interactive && signal.Signal == PosixSignal.SIGINT)
        {
            _stopFollowing.Cancel();
            return;
        }

        var abort = count > 1;
        error.WriteLine(abort ? $"Aborting {run.Name}..." : $"Stopping {run.Name} (Ctrl+C again to abort)...");
        RunMonitor.RequestStop(store, run, abort);
        if (abort && _aborted.TrySetResult())
        {
            // Following goes on until the run ends; a controller that does not answer the abort must not hold it for ever.
            _abortCompleted = Task.Run(async () =>
            {
                try
                {
                    if ((await RunMonitor.CompleteAbortAsync(store, run)).Forced)
                    {
                        await error.WriteLineAsync($"dstack: the controller of {run.Name} did not end it within {RunMonitor.AbortLimit.TotalSeconds:0} s; it and the jobs were killed");
                    }
                }
                catch (StateException)
                {
                    // The store is unreadable; the follower reports what it can.
                }
            });
        }
    }

    /// <summary>Asks whether to stop the run; true when it is being stopped (keep following to the end), false to detach.</summary>
    private async Task<bool> AskToStopAsync(RunRecord run)
    {
        await error.WriteAsync($"Stop the run {run.Name} before detaching? [y/n]: ");
        var answer = Task.Run(Console.ReadLine);
        if (await Task.WhenAny(answer, _aborted.Task) == _aborted.Task)
        {
            return true;
        }

        if ((await answer)?.Trim().StartsWith("y", StringComparison.OrdinalIgnoreCase) == true)
        {
            RunMonitor.RequestStop(store, run, abort: false);
            await error.WriteLineAsync($"Stopping {run.Name} (Ctrl+C again to abort)...");
            return true;
        }

        return false;
    }
}
