using System.ComponentModel;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>The legacy retry setting (dstack 0.12 to 0.18.2): <c>{retry: true, duration: 1h}</c>.</summary>
public sealed record RetryPolicy
{
    [Description("Whether to retry the run (on every event).")]
    [DefaultValue(false)]
    public bool Retry { get; init; }

    [Description("How long to keep retrying.")]
    [DurationForms(allowOff: false, allowBool: false)]
    public Duration? Duration { get; init; }
}
