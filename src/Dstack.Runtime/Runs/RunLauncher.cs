using System.ComponentModel;
using System.Diagnostics;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Runs;

/// <summary>
/// Submits a planned run: records it under a unique name and starts its runner as a process of its own session,
/// with its output in <c>runs/&lt;run&gt;/runner.log</c>, so nothing ties it to the terminal or to the submitting process.
/// </summary>
public static class RunLauncher
{
    public static RunRecord Submit(StateStore store, RunPlan plan, RunnerCommand runner, TimeProvider? time = null)
    {
        var spec = plan.Spec ?? throw new InvalidOperationException("the plan has problems; only a plan that can run is submitted");
        var now = (time ?? TimeProvider.System).GetUtcNow();
        var (run, replaced) = store.CreateRun(
            plan.RequestedName,
            taken => new RunNameGenerator().Next(taken),
            spec.ConfigurationPath,
            spec.RepoRoot,
            name => (spec with { RunName = name }).WithoutSecrets().ToJson(),
            now);
        if (replaced is not null)
        {
            DeleteFolder(store.Home.RunFolder(replaced.Name));
        }

        var folder = store.Home.RunFolder(run.Name);
        Directory.CreateDirectory(store.Home.LogsFolder(run.Name));
        var start = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        // sh puts the runner in its own session (setsid) with no terminal and its output in runner.log, then goes.
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec setsid \"$@\" </dev/null >>\"$DSTACK_RUNNER_LOG\" 2>&1");
        start.ArgumentList.Add("dstack-runner");
        start.ArgumentList.Add(runner.Program);
        foreach (var argument in runner.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("runner");
        start.ArgumentList.Add(run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.Environment["DSTACK_HOME"] = store.Home.Root;
        start.Environment["DSTACK_RUNNER_LOG"] = store.Home.RunnerLog(run.Name);
        start.Environment[JobEnvironment.RunnerSecretsVariable] = RunnerSecrets.Of(spec).ToJson();
        try
        {
            using var process = Process.Start(start) ?? throw new Win32Exception("no process");
            store.SetRunner(run.Id, process.Id);
        }
        catch (Win32Exception e)
        {
            store.SetRunStatus(run.Id, RunStatus.Failed, now, TerminationReason.StartFailed);
            throw new Processes.JobStartException($"the runner could not be started ({runner.Program}: {e.Message})", e);
        }

        return store.FindRun(run.Id) ?? run;
    }

    internal static void DeleteFolder(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
