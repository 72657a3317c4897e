using System.Runtime.InteropServices;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Runs;

/// <summary>
/// The controller process's whole life: it reads its run from standard input (<see cref="ControllerProcess"/> writes it),
/// runs it with a <see cref="RunController"/> and logs to the run's <c>controller.log</c>. Programs call it as their
/// entry point: <c>dstack controller</c> in the portable build, the <c>dstack-controller</c> executable beside a native
/// <c>dstack</c> (which then carries none of the controller's code: docs/native.md).
/// </summary>
public static class ControllerMain
{
    /// <summary>Runs the run the front end hands over; 0 also when it handed over none (the plan failed, the user said no).</summary>
    /// <param name="environment">The process's environment variables.</param>
    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);

        // First: out of the starter's terminal and output (ControllerProcess starts it directly, no `setsid`).
        Processes.OwnSession.Enter();

        // Open the store while the front end still plans: it loads SQLite and checks the schema off the critical path.
        var store = StateStore.Open(DstackHome.FromEnvironment(environment));
        var reading = Task.Run(() => ControllerProcess.ReadStartMessage(Console.In));
        ControllerProcess.WarmUp(store);
        // Beside it, off the critical path: the container code (a run with an image pays no first-call compilation).
        // A native build compiles nothing at run time: there the warm-up (a ping of the engine) would only take a core
        // from the front end that is planning.
        if (System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeCompiled)
        {
            _ = Task.Run(() => Containers.ContainerWarmUp.RunAsync(environment));
        }

        var message = await reading.ConfigureAwait(false);
        if (message is null || store.FindRun(message.RunId) is not { } run)
        {
            return 0;
        }

        using var log = new StreamWriter(new FileStream(store.Home.ControllerLog(run.Name), FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        Console.SetError(log);
        Console.SetOut(log);
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
        var final = await controller.RunAsync().ConfigureAwait(false);
        await log.WriteLineAsync($"dstack controller: {final.Name} {final.Status.ToText()} ({final.Reason})").ConfigureAwait(false);
        return 0;
    }

    /// <summary>This process's environment variables.</summary>
    public static Dictionary<string, string> ProcessEnvironment()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = entry.Value as string ?? string.Empty;
        }

        return environment;
    }
}
