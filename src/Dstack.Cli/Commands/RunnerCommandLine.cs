using System.Collections;
using System.CommandLine;
using System.Runtime.InteropServices;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Cli.Commands;

/// <summary>
/// <c>dstack runner RUN_ID</c> (hidden): the process that runs one run, started by <c>dstack run</c> in its own
/// session. Users never call it.
/// </summary>
public static class RunnerCommandLine
{
    public static Command Create(TextWriter error)
    {
        var id = new Argument<long>("RUN_ID");
        var command = new Command("runner", "Run one submitted run (started by dstack run; not for direct use).") { id };
        command.Hidden = true;
        command.SetAction(async (parse, cancellationToken) =>
        {
            var secrets = RunnerSecrets.FromJson(System.Environment.GetEnvironmentVariable(JobEnvironment.RunnerSecretsVariable));
            System.Environment.SetEnvironmentVariable(JobEnvironment.RunnerSecretsVariable, null);
            var environment = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
            {
                if ((string)entry.Key is not ("DSTACK_RUNNER_LOG" or JobEnvironment.RunnerSecretsVariable))
                {
                    environment[(string)entry.Key] = entry.Value as string ?? string.Empty;
                }
            }

            var store = StateStore.Open(DstackHome.FromEnvironment());
            var run = store.FindRun(parse.GetValue(id));
            if (run is null)
            {
                await error.WriteLineAsync($"dstack runner: no run with id {parse.GetValue(id)}");
                return DstackCommandLine.ProblemsFound;
            }

            store.SetRunner(run.Id, System.Environment.ProcessId);
            var spec = secrets.Apply(RunSpec.FromJson(run.Spec));
            var supervisor = new RunSupervisor(store, run, spec, environment);
            using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
            {
                signal.Cancel = true;
                supervisor.OnStopSignal();
            });
            // The runner has no terminal; a stray SIGINT or SIGHUP must not end it and orphan the jobs.
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => signal.Cancel = true);
            using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, signal => signal.Cancel = true);
            var final = await supervisor.RunAsync();
            await error.WriteLineAsync($"dstack runner: {final.Name} {final.Status.ToText()} ({final.Reason})");
            return DstackCommandLine.Success;
        });
        return command;
    }
}
