using System.Runtime.Serialization;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>What a service's replicas scale on; dstack 0.18 has requests per second only.</summary>
public enum ScalingMetric
{
    [EnumMember(Value = "rps")]
    Rps,
}
