using Dstack.Runtime.Configuration.Binding;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Pipelines;

/// <summary>
/// A pipelines workflow as the task the planner runs: the bash provider runs its commands with the chosen
/// <c>python</c> (as a task does), the docker provider runs them in <c>image</c>; <c>resources</c>' minimums become
/// the task's resource ranges and <c>interruptible: true</c> its spot policy, so a workflow runs on every backend.
/// </summary>
public static class WorkflowTask
{
    /// <summary>
    /// The task of <paramref name="workflow"/>; recorded in <paramref name="sourceMap"/> at the workflow's own node, so a
    /// problem the planner finds in it points into the workflows file.
    /// </summary>
    public static TaskConfiguration Of(Workflow workflow, SourceMap? sourceMap = null)
    {
        var resources = workflow.Resources;
        var gpu = resources?.Gpu is { } g
            ? new GpuSpec
            {
                Count = Range<int>.Exactly(g.Count),
                Name = g.Name is { Length: > 0 } name ? [name] : null,
                Memory = g.Memory is { } memory ? Range<Memory>.AtLeast(memory) : null,
            }
            : null;
        var task = new TaskConfiguration
        {
            Image = workflow.Provider == WorkflowProvider.Docker ? workflow.Image : null,
            Python = workflow.Provider == WorkflowProvider.Bash ? workflow.Python : null,
            Commands = workflow.Commands,
            Env = workflow.Env,
            Ports = workflow.Ports,
            Resources = new ResourcesSpec
            {
                Gpu = gpu,
                Memory = resources?.Memory is { } ram ? Range<Memory>.AtLeast(ram) : ResourcesSpec.DefaultMemory,
                ShmSize = resources?.ShmSize,
            },
            SpotPolicy = resources?.Interruptible == true ? SpotPolicy.Spot : null,
        };
        if (sourceMap?.NodeOf(workflow) is { } node)
        {
            sourceMap.Record(task, node);
            if (resources is not null && sourceMap.NodeOf(resources) is { } resourcesNode)
            {
                sourceMap.Record(task.Resources, resourcesNode);
            }
        }

        return task;
    }
}
