using System.Runtime.Serialization;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>The events after which a run is retried.</summary>
public enum RetryEvent
{
    [EnumMember(Value = "no-capacity")]
    NoCapacity,

    [EnumMember(Value = "interruption")]
    Interruption,

    [EnumMember(Value = "error")]
    Error,
}
