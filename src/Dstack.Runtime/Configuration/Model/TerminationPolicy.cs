using System.Runtime.Serialization;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>The pools-era <c>termination_policy</c> values (dstack 0.16 to 0.18); read for fidelity, with no effect.</summary>
public enum TerminationPolicy
{
    [EnumMember(Value = "dont-destroy")]
    DontDestroy,
    [EnumMember(Value = "destroy-after-idle")]
    DestroyAfterIdle,
}
