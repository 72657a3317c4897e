using System.ComponentModel;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>
/// One of a workflow's <c>deps</c>: the artifacts of the last successful run of another workflow, or of a tagged run,
/// put read-only into the working copy under their own paths before the commands start.
/// </summary>
public sealed record WorkflowDep
{
    [Description("A workflow of this repository: its last successful run's artifacts.")]
    public string? Workflow { get; init; }

    [Description("A tag (dstack tags add TAG RUN): the tagged run's artifacts.")]
    public string? Tag { get; init; }
}
