using System.ComponentModel;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>The GPU minimums of a legacy workflow.</summary>
public sealed record WorkflowGpu
{
    [Description("The minimum number of GPUs.")]
    [DefaultValue(1)]
    public int Count { get; init; } = 1;

    [Description("The GPU model, such as V100.")]
    public string? Name { get; init; }

    [Description("The minimum memory per GPU, such as 16GB.")]
    public Memory? Memory { get; init; }
}
