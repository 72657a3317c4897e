using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Runs;

/// <summary>
/// With <c>retry</c> on no-capacity, a run whose machines other runs hold (this machine's GPUs, a pool host) waits for
/// them, planned again every second for up to retry.duration, as dstack keeps a no-capacity run pending.
/// </summary>
public static partial class RunPlanner
{
    private static readonly TimeSpan CapacityPoll = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Plans the run; when the only obstacle is capacity and the run retries on no-capacity, reports a
    /// <see cref="WaitingProgress"/> and plans again until it can run, retry.duration passes, or
    /// <paramref name="cancellationToken"/> is cancelled. Returns the last plan.
    /// </summary>
    public static async Task<RunPlan> PlanWaitingForCapacityAsync(RunRequest request, IProgress<RunProgress>? progress = null, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        time ??= TimeProvider.System;
        var plan = Plan(request);
        if (!plan.OnlyLacksCapacity || plan.Spec is not { } spec || !spec.Retries(RetryEvent.NoCapacity))
        {
            return plan;
        }

        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(spec.RetryDuration);
        progress?.Report(new WaitingProgress($"capacity (retry on no-capacity, up to {new Duration(spec.RetryDuration)}): {plan.Diagnostics.First(d => d.Code == DiagnosticCodes.NoCapacity).Message}"));
        while (plan.OnlyLacksCapacity && time.GetUtcNow() < deadline && !cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(CapacityPoll, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            plan = Plan(request);
        }

        return plan;
    }
}
