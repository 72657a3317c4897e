namespace Dstack.Runtime.State;

/// <summary>A run was submitted under the name of a run that is still active, or of a finished one a tag keeps.</summary>
public sealed class RunNameTakenException : Exception
{
    public RunNameTakenException(RunRecord active)
        : base($"a run named {active.Name} is still {active.Status.ToText()}; stop it first (dstack stop {active.Name}), or give this run another name with -n")
    {
        Active = active;
    }

    public RunNameTakenException(RunRecord tagged, IReadOnlyList<string> tags)
        : base($"the run named {tagged.Name} is tagged {string.Join(", ", tags)}, which keeps its artifacts; give this run another name with -n, or delete the tag first (dstack tags delete {tags[0]})")
    {
        Active = tagged;
    }

    public RunRecord Active { get; }
}
