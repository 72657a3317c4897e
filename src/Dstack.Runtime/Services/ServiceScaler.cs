using Dstack.Runtime.Configuration.Model;

namespace Dstack.Runtime.Services;

/// <summary>
/// How many replicas a service with <c>replicas: MIN..MAX</c> and <c>scaling: {metric: rps, target: T}</c> should run,
/// from the requests per second its endpoint measured. The rule (docs/services.md says the same):
/// <list type="number">
/// <item>wanted = ⌈rps / T⌉ over the last minute's average, kept within MIN..MAX (no requests: MIN);</item>
/// <item>more than now: only once <c>scale_up_delay</c> (5m) has passed since the last change; fewer: only once
/// <c>scale_down_delay</c> (10m) has passed since the last change (to zero: once a whole minute had no request);</item>
/// <item>from 0 replicas, a request starts one at once (it is waiting), without the delay;</item>
/// <item>one decision moves straight to the wanted count (not one replica at a time).</item>
/// </list>
/// </summary>
/// <param name="Min">The fewest replicas (0 allows scaling to zero).</param>
/// <param name="Max">The most replicas.</param>
/// <param name="Target">Requests per second one replica should take.</param>
/// <param name="ScaleUpDelay">How long after a change before adding replicas.</param>
/// <param name="ScaleDownDelay">How long after a change before removing replicas.</param>
public sealed record ServiceScaler(int Min, int Max, double Target, TimeSpan ScaleUpDelay, TimeSpan ScaleDownDelay)
{
    /// <summary>The window the request rate is averaged over.</summary>
    public static TimeSpan Window { get; } = RequestRate.MaxWindow;

    /// <summary>The scaler of a service's <c>replicas</c> range and <c>scaling</c>; null when its replicas are a fixed count.</summary>
    public static ServiceScaler? Of(ServiceConfiguration service)
    {
        if (service.Scaling is not { } scaling || service.Replicas.IsExact)
        {
            return null;
        }

        return new ServiceScaler(
            service.Replicas.Min ?? 0,
            service.Replicas.Max ?? service.Replicas.Min ?? 1,
            scaling.Target,
            TimeSpan.FromSeconds(scaling.ScaleUpDelay?.Seconds ?? 0),
            TimeSpan.FromSeconds(scaling.ScaleDownDelay?.Seconds ?? 0));
    }

    /// <summary>The count the rule wants now, before the delays: ⌈rps / target⌉ within MIN..MAX.</summary>
    public int Wanted(double requestsPerSecond)
    {
        var wanted = requestsPerSecond <= 0 || Target <= 0 ? 0 : (int)Math.Ceiling(requestsPerSecond / Target);
        return Math.Clamp(wanted, Min, Math.Max(Min, Max));
    }

    /// <summary>
    /// The count to run now: <paramref name="current"/> unless the rule and its delays say otherwise.
    /// </summary>
    /// <param name="current">Replicas running or starting now.</param>
    /// <param name="requestsPerSecond">The endpoint's average over <see cref="Window"/>.</param>
    /// <param name="waiting">Whether a request arrived that no replica could take (scaling from zero).</param>
    /// <param name="now">Now.</param>
    /// <param name="lastChange">When the count last changed (the service's start at first).</param>
    public ScalingDecision Decide(int current, double requestsPerSecond, bool waiting, DateTimeOffset now, DateTimeOffset lastChange)
    {
        var wanted = Wanted(requestsPerSecond);
        if (current == 0 && waiting && Max > 0)
        {
            return new ScalingDecision(Math.Max(1, wanted), "a request is waiting and no replica runs");
        }

        if (wanted > current)
        {
            var ready = lastChange + ScaleUpDelay;
            return now >= ready
                ? new ScalingDecision(wanted, $"{requestsPerSecond:0.##} requests/s over the last minute wants {wanted} at {Target:0.##} each")
                : new ScalingDecision(current, $"wants {wanted}; adds them after the scale_up_delay, at {ready:HH:mm:ss}");
        }

        if (wanted < current)
        {
            var ready = lastChange + ScaleDownDelay;
            return now >= ready
                ? new ScalingDecision(wanted, $"{requestsPerSecond:0.##} requests/s over the last minute wants {wanted} at {Target:0.##} each")
                : new ScalingDecision(current, $"wants {wanted}; removes replicas after the scale_down_delay, at {ready:HH:mm:ss}");
        }

        return new ScalingDecision(current, null);
    }
}
