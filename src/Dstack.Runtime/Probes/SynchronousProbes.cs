namespace Dstack.Runtime.Probes;

/// <summary>
/// The CLI's probes: an ask probes now, on the caller's thread, unless the same fact was probed less than its
/// <see cref="Probe{T}.MaxAge"/> ago by this instance (one per <c>dstack</c> command's backends: a plan made twice
/// probes once). A probe's failure is the caller's. What a probe keeps on disk for other processes it reads itself.
/// </summary>
/// <param name="time">The clock for the answers' age (default: the system's).</param>
public sealed class SynchronousProbes(TimeProvider? time = null) : IProbes
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Dictionary<string, (object Answer, DateTimeOffset At)> _answers = new(StringComparer.Ordinal);

    public T? Latest<T>(Probe<T> probe)
        where T : class => Recent(probe) ?? Keep(probe, probe.Run());

    public IReadOnlyList<T?> LatestAll<T>(IReadOnlyList<Probe<T>> probes)
        where T : class
    {
        var answers = probes.Select(Recent).ToArray();
        var stale = Enumerable.Range(0, probes.Count).Where(i => answers[i] is null).ToList();
        if (stale.Count == 1)
        {
            answers[stale[0]] = Keep(probes[stale[0]], probes[stale[0]].Run());
        }
        else if (stale.Count > 1)
        {
            var fresh = Task.WhenAll(stale.Select(i => Task.Run(probes[i].Run))).GetAwaiter().GetResult();
            for (var k = 0; k < stale.Count; k++)
            {
                answers[stale[k]] = Keep(probes[stale[k]], fresh[k]);
            }
        }

        return answers;
    }

    /// <summary>Nothing: a probe runs when it is asked for.</summary>
    public void Start<T>(Probe<T> probe)
        where T : class
    {
    }

    public void Retain(string scope, IReadOnlyCollection<string> keys)
    {
        lock (_gate)
        {
            foreach (var gone in _answers.Keys.Where(k => k.StartsWith(scope, StringComparison.Ordinal) && !keys.Contains(k)).ToList())
            {
                _answers.Remove(gone);
            }
        }
    }

    private T? Recent<T>(Probe<T> probe)
        where T : class
    {
        lock (_gate)
        {
            return _answers.TryGetValue(probe.Key, out var kept) && _time.GetUtcNow() - kept.At < probe.MaxAge ? kept.Answer as T : null;
        }
    }

    private T Keep<T>(Probe<T> probe, T answer)
        where T : class
    {
        lock (_gate)
        {
            _answers[probe.Key] = (answer, _time.GetUtcNow());
        }

        return answer;
    }
}
