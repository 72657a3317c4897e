using System.ComponentModel;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Probes;

/// <summary>
/// The editor's probes: no request waits for a probe. An ask answers at once with the latest answer (null before the
/// first, unless the probe waits for its first: <see cref="Probe{T}.WaitForFirst"/>) and starts a probe in the
/// background when there has been none or the last is older than its <see cref="Probe{T}.MaxAge"/>; one probe at a
/// time per key, however many ask. A probe that fails keeps the last answer and is tried again a whole
/// <see cref="Probe{T}.MaxAge"/> later. An answer that changes what a request shows (<see cref="Probe{T}.Shown"/>)
/// calls <c>changed</c>, so the editor asks again.
/// </summary>
/// <param name="time">The clock for the answers' age.</param>
/// <param name="changed">Called (on a background thread) when a probe changed what a request would show.</param>
public sealed class BackgroundProbes(TimeProvider time, Action changed) : IProbes
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The probes in progress, or a completed task: tests wait on it rather than on time.</summary>
    public Task Refreshing
    {
        get
        {
            lock (_gate)
            {
                return Task.WhenAll(_entries.Values.Select(e => e.Running));
            }
        }
    }

    public T? Latest<T>(Probe<T> probe)
        where T : class
    {
        Entry entry;
        Task first;
        lock (_gate)
        {
            entry = EntryOf(probe);
            StartWhenStale(entry, probe);
            if (entry.Answer is not null || !probe.WaitForFirst)
            {
                return entry.Answer as T;
            }

            first = entry.Running;
        }

        // Only while there has been no answer: every ask waits for the same probe, and gets its failure (the next ask
        // probes again). Requests run off the read loop, so this holds up only those that need the answer.
        first.GetAwaiter().GetResult();
        lock (_gate)
        {
            return entry.Answer as T;
        }
    }

    public IReadOnlyList<T?> LatestAll<T>(IReadOnlyList<Probe<T>> probes)
        where T : class => [.. probes.Select(Latest)];

    public void Start<T>(Probe<T> probe)
        where T : class
    {
        lock (_gate)
        {
            StartWhenStale(EntryOf(probe), probe);
        }
    }

    public void Retain(string scope, IReadOnlyCollection<string> keys)
    {
        lock (_gate)
        {
            foreach (var gone in _entries.Keys.Where(k => k.StartsWith(scope, StringComparison.Ordinal) && !keys.Contains(k)).ToList())
            {
                _entries.Remove(gone);
            }
        }
    }

    private Entry EntryOf<T>(Probe<T> probe)
        where T : class
    {
        if (!_entries.TryGetValue(probe.Key, out var entry))
        {
            entry = new Entry { Answer = probe.Assumed };
            _entries[probe.Key] = entry;
            // An answer another dstack process kept is taken at once, as probed now.
            if (probe.Kept?.Invoke() is { } kept)
            {
                entry.Answer = kept;
                entry.At = time.GetUtcNow();
            }
        }

        return entry;
    }

    private void StartWhenStale<T>(Entry entry, Probe<T> probe)
        where T : class
    {
        if ((entry.At == default || time.GetUtcNow() - entry.At >= probe.MaxAge) && entry.Running.IsCompleted)
        {
            var mustAnswer = probe.WaitForFirst && entry.Answer is null;
            entry.Running = Task.Run(() => Refresh(entry, probe, mustAnswer));
        }
    }

    /// <summary>Probes <paramref name="probe"/> and keeps its answer in <paramref name="entry"/> (on failure, the last one).</summary>
    /// <param name="entry">The fact's entry.</param>
    /// <param name="probe">The probe.</param>
    /// <param name="mustAnswer">True for the first probe that an ask waits for: its failure is that ask's, and the next ask probes again.</param>
    private void Refresh<T>(Entry entry, Probe<T> probe, bool mustAnswer)
        where T : class
    {
        T? fresh = null;
        try
        {
            fresh = probe.Run();
        }
        catch (Exception e) when (!mustAnswer && e is IOException or UnauthorizedAccessException or InvalidOperationException or Win32Exception or StateException)
        {
            // Keep the last answer; the next try waits a whole MaxAge, so a broken nvidia-smi is not run on every request.
        }

        bool isChange;
        lock (_gate)
        {
            var last = entry.Answer as T;
            isChange = fresh is not null && probe.Shown is { } shown && (last is null || shown(last) != shown(fresh));
            entry.Answer = fresh ?? entry.Answer;
            entry.At = time.GetUtcNow();
        }

        if (isChange)
        {
            changed();
        }
    }

    /// <summary>One fact's latest answer, when it was probed (default: never), and its probe in progress.</summary>
    private sealed class Entry
    {
        public object? Answer { get; set; }

        public DateTimeOffset At { get; set; }

        public Task Running { get; set; } = Task.CompletedTask;
    }
}
