using Dstack.Runtime.State;

namespace Dstack.Runtime.Runs;

/// <summary>What <see cref="RunMonitor.TerminateInstance"/> did with an instance, and why.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Instance">The instance as it is now; null when no instance has the id.</param>
/// <param name="Run">Its run as it is now (reconciled); null when the run is gone from the store.</param>
/// <param name="Problem">Why the backend could not terminate it (for <see cref="InstanceTerminationOutcome.Failed"/>).</param>
public sealed record InstanceTermination(InstanceTerminationOutcome Outcome, InstanceRecord? Instance, RunRecord? Run, string? Problem);

/// <summary>The ways asking to terminate one instance ends.</summary>
public enum InstanceTerminationOutcome
{
    /// <summary>Its backend terminated it; it is recorded terminated.</summary>
    Terminated,

    /// <summary>It was already terminated, or never created (failed): nothing was done.</summary>
    AlreadyEnded,

    /// <summary>Its run is still active (the controller alive): left alone, since the run would lose its machine.</summary>
    RunActive,

    /// <summary>No instance has the id.</summary>
    NotFound,

    /// <summary>Its backend could not terminate it now; it stays terminating, and the next dstack command tries again.</summary>
    Failed,
}
