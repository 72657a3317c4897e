using System.ComponentModel;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>The resources of a legacy workflow: minimums, in the pre-0.15 style.</summary>
public sealed record WorkflowResources
{
    [Description("The GPUs: {count, name, memory}, minimums.")]
    public WorkflowGpu? Gpu { get; init; }

    [Description("The minimum RAM, such as 16GB.")]
    public Memory? Memory { get; init; }

    [Description("The size of /dev/shm, such as 8GB.")]
    public Memory? ShmSize { get; init; }

    [Description("Use interruptible (spot) instances.")]
    [DefaultValue(false)]
    public bool Interruptible { get; init; }
}
