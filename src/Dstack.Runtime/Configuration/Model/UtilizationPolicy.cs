using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>Stops a run whose GPUs stay below a utilization for a time window.</summary>
public sealed record UtilizationPolicy
{
    [Description("The minimum GPU utilization in percent (0 to 100).")]
    [Required]
    public int MinGpuUtilization { get; init; }

    [Description("The window over which utilization is measured; at least 5m.")]
    [Required]
    [DurationForms(allowOff: false, allowBool: false)]
    public Duration? TimeWindow { get; init; }
}
