using Dstack.Runtime.Names;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Runs;

/// <summary>
/// Submits a planned run: records it under a unique name and hands it to a controller started beforehand
/// (<see cref="ControllerProcess"/>), so the run goes on without the submitting process.
/// </summary>
public static class RunLauncher
{
    /// <param name="store">The state store.</param>
    /// <param name="plan">A plan that can run.</param>
    /// <param name="controller">The controller started for it.</param>
    /// <param name="preferredName">The generated name the plan showed; used unless another process took it meanwhile.</param>
    /// <param name="time">The clock.</param>
    public static RunRecord Submit(StateStore store, RunPlan plan, ControllerProcess controller, string? preferredName = null, TimeProvider? time = null)
    {
        var spec = plan.Spec ?? throw new InvalidOperationException("the plan has problems; only a plan that can run is submitted");
        if (plan.RequestedName is { } requested && NameRule.Run.Problem(requested) is { } problem)
        {
            throw new InvalidOperationException($"the planner let an invalid name through: {problem}");
        }

        var now = (time ?? TimeProvider.System).GetUtcNow();
        var (run, replaced) = store.CreateRun(
            plan.RequestedName,
            taken => preferredName is not null && !taken.Contains(preferredName) ? preferredName : new RunNameGenerator().Next(taken),
            spec.ConfigurationPath,
            spec.RepoRoot,
            name => (spec with { RunName = name }).WithoutSecrets().ToJson(),
            now);
        if (replaced is not null)
        {
            RunController.TryDelete(store.Home.RunsFolder, store.Home.RunFolder(replaced.Name));

            // Its artifacts go with its record: the new run's folder holds only what the new run saves.
            RunController.TryDelete(store.Home.ArtifactsRoot, store.Home.ArtifactsFolder(replaced.Name));
        }

        Directory.CreateDirectory(store.Home.LogsFolder(run.Name));
        store.SetController(run.Id, controller.Pid);
        try
        {
            controller.Launch(run, spec);
        }
        catch (Processes.JobStartException)
        {
            store.SetRunStatus(run.Id, RunStatus.Failed, now, TerminationReason.StartFailed);
            throw;
        }

        return store.FindRun(run.Id) ?? run;
    }
}
