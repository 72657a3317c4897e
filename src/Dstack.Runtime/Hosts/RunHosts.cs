using Dstack.Runtime.Backends;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Hosts;

/// <summary>
/// The host of a run's master job (rank 0), where its ports are, for a front end: before the run is submitted (from the
/// plan's placement, to reserve the ports), and while it runs (from its instance record, to forward them).
/// </summary>
public static class RunHosts
{
    /// <summary>The master job's host as planned (nothing is provisioned: the host is only asked about ports).</summary>
    public static IJobHost Planned(DstackHome home, RunPlan plan)
    {
        var spec = plan.Spec ?? throw new InvalidOperationException("only a plan that can run has hosts");
        var offer = spec.Placements.Count > 0 ? spec.Placements[0] : BackendRegistry.DefaultPlacement;
        var run = new RunRecord(0, spec.RunName, RunStatus.Submitted, spec.ConfigurationPath, spec.RepoRoot, string.Empty, DateTimeOffset.UtcNow, null, null, null, null, StopRequest.None, 1);
        return HostOf(home, new Instance(offer, string.Empty, string.Empty), run, spec);
    }

    /// <summary>The master job's host of a run that was submitted: its recorded instance, else its placement.</summary>
    public static IJobHost Master(StateStore store, RunRecord run, RunSpec spec, IReadOnlyDictionary<string, string>? environment = null)
    {
        var instance = store.ListInstances(run.Id).LastOrDefault(i => i.JobNum == 0 && i.IsActive) is { } record && RunMonitor.InstanceOf(record) is { } recorded
            ? recorded
            : new Instance(spec.Placements.Count > 0 ? spec.Placements[0] : BackendRegistry.DefaultPlacement, string.Empty, string.Empty);
        return HostOf(store.Home, instance, run, spec, environment);
    }

    private static IJobHost HostOf(DstackHome home, Instance instance, RunRecord run, RunSpec spec, IReadOnlyDictionary<string, string>? environment = null)
    {
        var backend = BackendRegistry.ForRun(home, instance.Offer.Backend)
            ?? throw new InvalidOperationException($"the backend {instance.Offer.Backend} is not known to this version of dstack");
        return backend.HostOf(instance, HostContext.Outside(home, run, spec, environment));
    }
}
