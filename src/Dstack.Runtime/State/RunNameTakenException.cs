namespace Dstack.Runtime.State;

/// <summary>A run was submitted under the name of a run that is still active.</summary>
public sealed class RunNameTakenException(RunRecord active)
    : Exception($"a run named {active.Name} is still {active.Status.ToText()}; stop it first (dstack stop {active.Name}), or give this run another name with -n")
{
    public RunRecord Active { get; } = active;
}
