using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>Autoscaling of a service's replicas on requests per second.</summary>
public sealed record ScalingSpec
{
    [Description("The metric to scale on: rps (requests per second), the only one.")]
    [Required]
    [Example("metric: rps")]
    public ScalingMetric Metric { get; init; } = ScalingMetric.Rps;

    [Description("The metric value per replica to aim for; above 0.")]
    [Required]
    public double Target { get; init; }

    [Description("How long the metric must stay high before adding a replica.")]
    [DefaultValue("5m")]
    [DurationForms(allowOff: false, allowBool: false)]
    public Duration? ScaleUpDelay { get; init; } = new Duration(300);

    [Description("How long the metric must stay low before removing a replica.")]
    [DefaultValue("10m")]
    [DurationForms(allowOff: false, allowBool: false)]
    public Duration? ScaleDownDelay { get; init; } = new Duration(600);
}
