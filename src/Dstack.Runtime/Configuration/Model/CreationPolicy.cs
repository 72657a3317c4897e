using System.Runtime.Serialization;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>Whether a run may create new instances or only reuse idle ones.</summary>
public enum CreationPolicy
{
    [EnumMember(Value = "reuse")]
    Reuse,

    [EnumMember(Value = "reuse-or-create")]
    ReuseOrCreate,
}
