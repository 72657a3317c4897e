using System.Runtime.Serialization;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>Whether to use spot (interruptible) instances.</summary>
public enum SpotPolicy
{
    [EnumMember(Value = "spot")]
    Spot,

    [EnumMember(Value = "on-demand")]
    OnDemand,

    [EnumMember(Value = "auto")]
    Auto,
}
