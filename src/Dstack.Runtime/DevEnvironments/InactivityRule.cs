namespace Dstack.Runtime.DevEnvironments;

/// <summary>
/// <c>inactivity_duration</c>: a dev environment ends once it has had no SSH session for that long. The clock starts
/// when the environment is ready; while at least one session is open it does not run; when the last session closes it
/// starts again from zero. Sessions are sampled (<see cref="Observe"/>), so a session that opens and closes between two
/// samples is not seen.
/// </summary>
public sealed class InactivityRule
{
    private DateTimeOffset? _idleSince;

    /// <param name="limit">The inactivity duration.</param>
    /// <param name="readyAt">When the environment became ready: the clock starts here.</param>
    public InactivityRule(TimeSpan limit, DateTimeOffset readyAt)
    {
        if (limit < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "the inactivity duration cannot be negative");
        }

        Limit = limit;
        _idleSince = readyAt;
    }

    /// <summary>The inactivity duration.</summary>
    public TimeSpan Limit { get; }

    /// <summary>Since when no session has been open; null while one is.</summary>
    public DateTimeOffset? IdleSince => _idleSince;

    /// <summary>
    /// Records that <paramref name="sessions"/> SSH sessions are open at <paramref name="now"/>; true when the
    /// environment has now been without a session for <see cref="Limit"/> or longer (it is to end).
    /// </summary>
    public bool Observe(DateTimeOffset now, int sessions)
    {
        if (sessions > 0)
        {
            _idleSince = null;
            return false;
        }

        _idleSince ??= now;
        return now - _idleSince.Value >= Limit;
    }

    /// <summary>How long until the environment ends if no session opens (zero when it is due); null while a session is open.</summary>
    public TimeSpan? Remaining(DateTimeOffset now) =>
        _idleSince is { } since ? (Limit - (now - since) is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero) : null;
}
