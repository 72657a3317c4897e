using System.ComponentModel;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>When and for how long a run is retried. <c>retry: true</c> is every event for 1h; <c>retry: false</c> (no events) turns retries off.</summary>
public sealed record RetrySpec
{
    [Description("The events that trigger a retry: no-capacity, interruption, error. Must not be empty.")]
    [System.ComponentModel.DataAnnotations.Required]
    public IReadOnlyList<RetryEvent> OnEvents { get; init; } = [];

    [Description("How long to keep retrying: for no-capacity, counted from the run's submission; for the others, from the last failure.")]
    [DefaultValue("1h")]
    [DurationForms(allowOff: false, allowBool: false)]
    public Duration? Duration { get; init; } = new Duration(3600);

    public bool IsEnabled => OnEvents.Count > 0;

    public static RetrySpec Disabled { get; } = new() { OnEvents = [], Duration = null };

    public static RetrySpec AllEvents { get; } = new() { OnEvents = [RetryEvent.NoCapacity, RetryEvent.Interruption, RetryEvent.Error] };

    public bool Equals(RetrySpec? other) => other is not null && Duration == other.Duration && OnEvents.SequenceEqual(other.OnEvents);

    public override int GetHashCode() => HashCode.Combine(Duration, OnEvents.Count);
}
