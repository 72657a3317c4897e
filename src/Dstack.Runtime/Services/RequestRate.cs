namespace Dstack.Runtime.Services;

/// <summary>
/// Requests counted per second over the last minute: what <c>scaling: {metric: rps}</c> reads. One counter per
/// second, in a ring; <see cref="Count"/> is called once per request (lock-free), <see cref="PerSecond"/> averages
/// the whole seconds of a window.
/// </summary>
public sealed class RequestRate
{
    private const int Seconds = 60;
    private readonly TimeProvider _time;
    private readonly long[] _counts = new long[Seconds];
    private readonly long[] _stamps = new long[Seconds];
    private long _total;

    /// <summary>A counter on <paramref name="time"/> (tests move it).</summary>
    public RequestRate(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <summary>The longest window <see cref="PerSecond"/> can average.</summary>
    public static TimeSpan MaxWindow { get; } = TimeSpan.FromSeconds(Seconds - 1);

    /// <summary>Every request counted since it was made.</summary>
    public long Total => Interlocked.Read(ref _total);

    /// <summary>Counts one request now.</summary>
    public void Count()
    {
        Interlocked.Increment(ref _total);
        var second = _time.GetUtcNow().ToUnixTimeSeconds();
        var slot = (int)(second % Seconds);
        var stamp = Volatile.Read(ref _stamps[slot]);
        if (stamp != second && Interlocked.CompareExchange(ref _stamps[slot], second, stamp) == stamp)
        {
            // The first request of a new second takes the slot over; a count another thread adds meanwhile is kept.
            Interlocked.Exchange(ref _counts[slot], 0);
        }

        Interlocked.Increment(ref _counts[slot]);
    }

    /// <summary>
    /// The average requests per second over the whole seconds of the last <paramref name="window"/> (at most
    /// <see cref="MaxWindow"/>), not counting the second now under way.
    /// </summary>
    public double PerSecond(TimeSpan window)
    {
        var seconds = (int)Math.Clamp(window.TotalSeconds, 1, Seconds - 1);
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        long total = 0;
        for (var back = 1; back <= seconds; back++)
        {
            var second = now - back;
            var slot = (int)(second % Seconds);
            if (Volatile.Read(ref _stamps[slot]) == second)
            {
                total += Volatile.Read(ref _counts[slot]);
            }
        }

        return (double)total / seconds;
    }
}
