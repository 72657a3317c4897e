using System.CommandLine;
using Dstack.Cli.Rendering;
using Dstack.Cli.Runs;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Forwarding;
using Dstack.Runtime.Hosts;
using Dstack.Runtime.Processes;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Cli.Commands;

/// <summary>
/// <c>dstack run [DIR] [-f FILE] [options] [run args...]</c>, its newer name <c>dstack apply -f FILE</c>, and
/// <c>dstack build</c>: plan, confirm, submit, then stay attached (ports forwarded, logs followed) unless <c>-d</c>.
/// </summary>
public static class RunCommand
{
    public static readonly string[] Names = ["run", "apply", "build"];

    public static Command Create(string name, TextWriter output, TextWriter error, Func<CliContext> context, IReadOnlyList<string> runArgs)
    {
        var options = new RunOptions();
        var description = name switch
        {
            "apply" => "Run a configuration (the same as dstack run; dstack 0.18's name for it): plan, confirm, run on this machine, forward its ports, follow its logs. Arguments after the options fill ${{ run.args }}.",
            "build" => "Prepare a configuration's build: environment (dstack 0.11's build) and stop; later runs reuse it until the build commands change.",
            _ => "Run a task, service or dev environment on this machine: plan, confirm, working copy of the code, forwarded ports, logs until it ends. Arguments after the options fill ${{ run.args }}. Exit code: the job's.",
        };
        var command = new Command(name, description);
        options.AddTo(command, build: name == "build");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var problems = new List<string>();
            var overrides = options.ToOverrides(parse, runArgs, problems) with { BuildOnly = name == "build" };
            foreach (var problem in problems)
            {
                await error.WriteLineAsync($"dstack: error {DiagnosticCodes.InvalidOption}: {problem}");
            }

            if (problems.Count > 0)
            {
                return DstackCommandLine.UsageError;
            }

            var color = !parse.GetValue(options.NoColor) && ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && string.IsNullOrEmpty(System.Environment.GetEnvironmentVariable("NO_COLOR"));
            var cli = context();
            var target = name == "build"
                ? new RunTarget(parse.GetValue(options.Folder) ?? ".", null)
                : RunTarget.Resolve(cli.WorkingDirectory, parse.GetValue(options.Folder), parse.GetValue(options.File), parse.GetValue(options.Workflow));
            if (target.Problem is { } wrong)
            {
                await error.WriteLineAsync($"dstack: error {wrong.Code}: {wrong.Message}");
                await error.WriteLineAsync("The run was not started.");
                return target.IsUsageError ? DstackCommandLine.UsageError : DstackCommandLine.ProblemsFound;
            }

            var request = new RunRequest(cli.WorkingDirectory, target.RepoFolder, parse.GetValue(options.File), overrides, cli.Environment, cli.Home) { Workflow = target.Workflow };
            var inputClosed = parse.GetValue(options.StopWhenInputCloses) ? WatchInputAsync() : null;
            if (parse.GetValue(options.WithDeps))
            {
                return await WorkflowChain.RunAsync(request, cli, parse.GetValue(options.Detach), parse.GetValue(options.Yes), parse.GetValue(options.DryRun), output, error, (each, yes) => RunAsync(each, cli, detach: false, yes, parse.GetValue(options.DryRun), inputClosed, output, error, color));
            }

            return await RunAsync(request, cli, parse.GetValue(options.Detach), parse.GetValue(options.Yes), parse.GetValue(options.DryRun), inputClosed, output, error, color);
        });
        return command;
    }

    private static async Task<int> RunAsync(RunRequest request, CliContext cli, bool detach, bool yes, bool dryRun, Task? inputClosed, TextWriter output, TextWriter error, bool color)
    {
        // The controller starts now and gets ready while the run is planned; without a run it exits on its own.
        using var controller = dryRun ? null : StartController(cli);
        var opening = Task.Run(() => CommandSupport.OpenStore(cli.Home));
        request = request with { InUse = Held };
        (request, _) = await OfferRefresher.RefreshAsync(request, error, CancellationToken.None);
        var plan = await RunPlanner.PlanWaitingForCapacityAsync(request, new SynchronousProgress(e => error.WriteLine(e is WaitingProgress waiting ? $"Waiting for {waiting.Reason}" : e.Describe())));

        // A store that cannot be opened is reported below; for sharing machines it counts as no run holding any.
        IReadOnlyList<Runtime.Offers.HeldPlacement> Held()
        {
            try
            {
                return RunMonitor.InUse(opening.GetAwaiter().GetResult());
            }
            catch (StateException)
            {
                return [];
            }
        }

        var renderer = new DiagnosticRenderer(error, color);
        renderer.Render(plan.Diagnostics, plan.Document?.Text);
        if (!plan.CanRun)
        {
            await opening.ContinueWith(_ => { }, TaskScheduler.Default);
            await error.WriteLineAsync("The run was not started.");
            return plan.Diagnostics.Any(d => d.IsError && d.Code == DiagnosticCodes.InvalidOption) ? DstackCommandLine.UsageError : DstackCommandLine.ProblemsFound;
        }

        StateStore store;
        try
        {
            store = await opening;
        }
        catch (StateException e)
        {
            await error.WriteLineAsync($"dstack: error {DiagnosticCodes.StateUnavailable}: {e.Message}");
            return DstackCommandLine.ProblemsFound;
        }

        var preview = plan.RequestedName ?? new RunNameGenerator().Next(store.ListRuns(all: true).Select(r => r.Name).ToHashSet(StringComparer.Ordinal));
        PlanRenderer.Render(output, plan, preview, color);
        if (dryRun)
        {
            return DstackCommandLine.Success;
        }

        if (!yes && cli.Interactive)
        {
            await output.WriteAsync(plan.RequestedName is null ? "Submit a new run? [y/n]: " : $"Submit the run {preview}? [y/n]: ");
            if (Console.ReadLine()?.Trim().StartsWith("y", StringComparison.OrdinalIgnoreCase) != true)
            {
                await error.WriteLineAsync("Not submitted.");
                return DstackCommandLine.Success;
            }
        }

        // Ports are claimed before anything starts, so a busy one is reported now, not after provisioning.
        PortReservation? ports = null;
        try
        {
            using var host = RunHosts.Planned(cli.Home, plan);
            if (plan.Spec?.Service is { LocalPort: { } endpointPort } && !PortReservation.IsFree(plan.Host, endpointPort))
            {
                // The service's endpoint listens here, whichever backend runs its replicas.
                throw new PortUnavailableException(endpointPort, null, DiagnosticCodes.PortBusy, $"port {endpointPort} is already in use on this machine, so the service's endpoint could not listen on it; stop what uses it (ss -ltnp 'sport = :{endpointPort}' shows it), or choose another with -p LOCAL:{plan.Spec.Service.Port}");
            }

            if (detach)
            {
                host.CheckJobPorts(plan.Ports);
            }
            else
            {
                ports = host.ReservePorts(plan.Ports, plan.Host, jobListening: false);
            }
        }
        catch (PortUnavailableException e)
        {
            await error.WriteLineAsync($"dstack: error {e.Code}: {e.Message}");
            return DstackCommandLine.ProblemsFound;
        }
        catch (ArgumentException e)
        {
            await error.WriteLineAsync($"dstack: error {DiagnosticCodes.InvalidOption}: --host {plan.Host}: {e.Message}");
            return DstackCommandLine.UsageError;
        }

        if (inputClosed is { IsCompleted: true })
        {
            ports?.Dispose();
            await error.WriteLineAsync("Not submitted: standard input closed (cancelled).");
            return AttachedRun.Interrupted;
        }

        RunRecord run;
        try
        {
            run = RunLauncher.Submit(store, plan, controller ?? throw new JobStartException("the controller could not be started; see the error above"), preview);
        }
        catch (Exception e) when (e is RunNameTakenException or JobStartException or StateException)
        {
            ports?.Dispose();
            var code = e is RunNameTakenException ? DiagnosticCodes.RunNameTaken : e is StateException ? DiagnosticCodes.StateUnavailable : DiagnosticCodes.JobStartFailed;
            await error.WriteLineAsync($"dstack: error {code}: {e.Message}");
            return DstackCommandLine.ProblemsFound;
        }

        if (detach)
        {
            await error.WriteLineAsync($"{run.Name} submitted and running in the background: dstack ps | dstack logs {run.Name} -f | dstack attach {run.Name} | dstack stop {run.Name}");
            return DstackCommandLine.Success;
        }

        await error.WriteLineAsync($"{run.Name} submitted; following its logs.");
        using var master = RunHosts.Master(store, run, plan.Spec!, cli.Environment);
        return await new AttachedRun(cli, store, output, error, color).RunAsync(run, plan.Spec!, master, ports, plan.Host, inputClosed, showProgress: color && cli.Interactive && !Console.IsErrorRedirected);
    }

    /// <summary>Completes when standard input reaches its end (<c>--stop-when-input-closes</c>); what it carries is ignored.</summary>
    private static Task WatchInputAsync() => Task.Run(async () =>
    {
        var buffer = new byte[256];
        await using var input = Console.OpenStandardInput();
        try
        {
            while (await input.ReadAsync(buffer) > 0)
            {
            }
        }
        catch (IOException)
        {
            // A broken pipe is a closed input too.
        }
    });

    private static ControllerProcess? StartController(CliContext cli)
    {
        try
        {
            return ControllerProcess.Start(cli.Controller, cli.Home);
        }
        catch (JobStartException e)
        {
            Console.Error.WriteLine($"dstack: error {DiagnosticCodes.JobStartFailed}: {e.Message}");
            return null;
        }
    }

    /// <summary>Reports on the caller's thread at once (<see cref="Progress{T}"/> would post to a thread-pool later).</summary>
    private sealed class SynchronousProgress(Action<RunProgress> report) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => report(value);
    }
}
