using System.ComponentModel;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>
/// Where and how a run may be placed. Allowed in profiles and, since dstack 0.18.1, in run configurations;
/// a value set in the configuration wins over the selected profile, and a command-line flag wins over both.
/// </summary>
public abstract record ProfileParameters
{
    [Description("The backends to consider, such as [local, aws]. Default: all configured backends.")]
    [Example("backends: [local]")]
    public IReadOnlyList<BackendType>? Backends { get; init; }

    [Description("The regions to consider, such as [us-east-1]. Default: all.")]
    public IReadOnlyList<string>? Regions { get; init; }

    [Description("The availability zones to consider. Default: all.")]
    public IReadOnlyList<string>? AvailabilityZones { get; init; }

    [Description("The cloud instance types to consider, such as [p4d.24xlarge]. Default: all.")]
    public IReadOnlyList<string>? InstanceTypes { get; init; }

    [Description("An AWS capacity reservation to use.")]
    public string? Reservation { get; init; }

    [Description("spot, on-demand or auto (either, cheapest first). Default: on-demand.")]
    [DefaultValue("on-demand")]
    public SpotPolicy? SpotPolicy { get; init; }

    [Description("Retry the run: true (every event, for 1h), false, or {on_events: [no-capacity, interruption, error], duration: 1h}.")]
    [Example("retry:\n  on_events: [no-capacity, interruption]\n  duration: 2h")]
    public RetrySpec? Retry { get; init; }

    [Description("The legacy retry setting {retry: true, duration: 1h}; use `retry` instead.")]
    [Deprecated("it still works, but write `retry: {on_events: [...], duration: ...}` instead")]
    public RetryPolicy? RetryPolicy { get; init; }

    [Description("Stop the run after this long: 90 (seconds), 30m, 2h, 1d, or off. Default: off.")]
    [DefaultValue("off")]
    [DurationForms(allowOff: true, allowBool: true)]
    public Duration? MaxDuration { get; init; }

    [Description("How long a stopping run gets to finish gracefully before it is killed: 30s, 5m, off or false (wait for ever), true (the default). Default: 5m.")]
    [DefaultValue("5m")]
    [DurationForms(allowOff: true, allowBool: true)]
    public Duration? StopDuration { get; init; }

    [Description("The highest price per hour in dollars to pay, such as 1.5.")]
    public double? MaxPrice { get; init; }

    [Description("reuse (only idle instances) or reuse-or-create. Default: reuse-or-create.")]
    [DefaultValue("reuse-or-create")]
    public CreationPolicy? CreationPolicy { get; init; }

    [Description("How long an instance stays up idle after the run: 5m, 1h, off or false (keep it). Default: 5m.")]
    [DefaultValue("5m")]
    [DurationForms(allowOff: true, allowBool: true)]
    public Duration? IdleDuration { get; init; }

    [Description("Stop the run when GPU utilization stays below min_gpu_utilization for time_window.")]
    public UtilizationPolicy? UtilizationPolicy { get; init; }

    [Description("Pools-era setting (dstack 0.16 to 0.18): dont-destroy or destroy-after-idle; has no effect.")]
    [Deprecated("it has no effect: remove it and use `idle_duration`")]
    public TerminationPolicy? TerminationPolicy { get; init; }

    [Description("Pools-era setting (dstack 0.16 to 0.18); has no effect.")]
    [Deprecated("it has no effect: remove it and use `idle_duration`")]
    public string? TerminationIdleTime { get; init; }

    [Description("Pools-era setting (dstack 0.16 to 0.18); has no effect.")]
    [Deprecated("it has no effect since fleets replaced pools: remove it")]
    public string? PoolName { get; init; }

    [Description("Pools-era setting (dstack 0.16 to 0.18); has no effect.")]
    [Deprecated("it has no effect since fleets replaced pools: remove it")]
    public string? InstanceName { get; init; }
}
