using Dstack.Runtime.State;

namespace Dstack.LanguageServer.Offers;

/// <summary>
/// The latest result of a read that may take long (probing an SSH host, reading the runs' placements) and therefore
/// never runs on the request path: <see cref="Get"/> answers at once with what is known (nothing before the first
/// read ends) and starts a read in the background when there has been none or the last is older than
/// <see cref="MaxAge"/>. A read that throws keeps the last result and is tried again a whole <see cref="MaxAge"/> later.
/// </summary>
/// <typeparam name="T">The result.</typeparam>
/// <param name="read">The read, run in the background.</param>
/// <param name="key">What of a result a request answers with: a new result with another key calls <paramref name="changed"/>.</param>
/// <param name="time">The clock for <paramref name="maxAge"/>.</param>
/// <param name="maxAge">How old a result may be before a request starts a new read.</param>
/// <param name="changed">Called (on a background thread) when a read changed what a request would answer.</param>
/// <param name="assumed">What is answered before the first read ends (null: nothing is known); a first read that finds the same changes nothing.</param>
public sealed class LatestRead<T>(Func<T> read, Func<T, string> key, TimeProvider time, TimeSpan maxAge, Action changed, T? assumed = null)
    where T : class
{
    private readonly Lock _gate = new();
    private T? _value = assumed;
    private DateTimeOffset _at;
    private Task _running = Task.CompletedTask;

    public TimeSpan MaxAge { get; } = maxAge;

    /// <summary>The read in progress, or a completed task: tests wait on it rather than on time.</summary>
    public Task Running
    {
        get
        {
            lock (_gate)
            {
                return _running;
            }
        }
    }

    /// <summary>Takes a result known from elsewhere (another dstack process's kept probe) as read now.</summary>
    public void Seed(T value)
    {
        lock (_gate)
        {
            _value = value;
            _at = time.GetUtcNow();
        }
    }

    /// <summary>The latest result, or the assumed one (or null) before the first read ends; starts a background read when there is none or it is stale.</summary>
    public T? Get()
    {
        lock (_gate)
        {
            if ((_at == default || time.GetUtcNow() - _at >= MaxAge) && _running.IsCompleted)
            {
                _running = Task.Run(Refresh);
            }

            return _value;
        }
    }

    private void Refresh()
    {
        T? fresh = null;
        try
        {
            fresh = read();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or StateException)
        {
            // Keep the last result; the next try waits a whole MaxAge.
        }

        bool isChange;
        lock (_gate)
        {
            isChange = fresh is not null && (_value is null || key(_value) != key(fresh));
            _value = fresh ?? _value;
            _at = time.GetUtcNow();
        }

        if (isChange)
        {
            changed();
        }
    }
}
