using System.CommandLine;
using Dstack.Cli.Runs;
using System.Runtime.InteropServices;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Cli.Commands;

/// <summary>
/// <c>dstack controller</c> (hidden): the process that runs one run. <c>dstack run</c> starts it in its own session
/// before planning, then sends the submitted run through its standard input. Users never call it.
/// </summary>
public static class ControllerCommandLine
{
    public static Command Create()
    {
        var command = new Command("controller", "Run one submitted run (started by dstack run; not for direct use).") { Hidden = true };
        command.SetAction((parse, cancellationToken) => RunAsync());
        return command;
    }

    /// <summary>The controller's whole life; <c>Program</c> calls it directly, without building the command tree, to start sooner.</summary>
    public static async Task<int> RunAsync()
    {
        // Open the store while the front end still plans: it loads SQLite and checks the schema off the critical path.
        var store = StateStore.Open(DstackHome.FromEnvironment());
        var reading = Task.Run(() => ControllerProcess.ReadStartMessage(Console.In));
        ControllerProcess.WarmUp(store);
        // Beside it, off the critical path: the container code (a run with an image pays no first-call compilation).
        // A native build compiles nothing at run time: there the warm-up (a ping of the engine) would only take a core
        // from the front end that is planning.
        if (System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeCompiled)
        {
            _ = Task.Run(() => Dstack.Runtime.Containers.ContainerWarmUp.RunAsync(CliContext.ProcessEnvironment()));
        }
        var message = await reading;
        if (message is null || store.FindRun(message.RunId) is not { } run)
        {
            return DstackCommandLine.Success;
        }

        using var log = new StreamWriter(new FileStream(store.Home.ControllerLog(run.Name), FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        Console.SetError(log);
        Console.SetOut(log);
        var environment = CliContext.ProcessEnvironment();
        store.SetController(run.Id, System.Environment.ProcessId);
        var spec = ControllerSecrets.FromJson(message.Secrets).Apply(RunSpec.FromJson(run.Spec));
        var controller = new RunController(store, run, spec, environment);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;
            controller.OnStopSignal();
        });
        // The controller has no terminal; a stray SIGINT or SIGHUP must not end it and orphan the jobs.
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => signal.Cancel = true);
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, signal => signal.Cancel = true);
        var final = await controller.RunAsync();
        await log.WriteLineAsync($"dstack controller: {final.Name} {final.Status.ToText()} ({final.Reason})");
        return DstackCommandLine.Success;
    }
}
