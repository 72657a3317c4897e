namespace Dstack.Runtime.Services;

/// <summary>
/// The replicas a service endpoint balances across: taken in turn (round robin), a replica whose port refused a
/// connection skipped until its pause ends. Replicas come and go while requests are served (scaling, restarts); every
/// member is safe to call from any thread.
/// </summary>
public sealed class ReplicaSet
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly List<Member> _members = [];
    private int _next;

    /// <summary>A set with no replicas; <paramref name="time"/> decides when a paused replica is tried again (tests move it).</summary>
    public ReplicaSet(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <summary>How long a replica whose port refused a connection is skipped before it is tried again.</summary>
    public TimeSpan Pause { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The replicas now, in the order they were added, each with whether it is paused.</summary>
    public IReadOnlyList<(ServiceReplica Replica, bool Paused)> Snapshot()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            return [.. _members.Select(m => (m.Replica, m.PausedUntil > now))];
        }
    }

    /// <summary>The number of replicas, paused or not.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _members.Count;
            }
        }
    }

    /// <summary>Adds a replica (one with the same number is replaced: a restarted replica keeps its number).</summary>
    public void Add(ServiceReplica replica)
    {
        lock (_gate)
        {
            _members.RemoveAll(m => m.Replica.Number == replica.Number);
            _members.Add(new Member(replica));
        }
    }

    /// <summary>Removes the replica with that number; false when there was none.</summary>
    public bool Remove(int number)
    {
        lock (_gate)
        {
            return _members.RemoveAll(m => m.Replica.Number == number) > 0;
        }
    }

    /// <summary>
    /// The next replica in turn that is not paused and not in <paramref name="tried"/>; when every untried one is paused,
    /// the one whose pause ends first (a paused replica is better than no answer). Null when all were tried.
    /// </summary>
    public ServiceReplica? Next(IReadOnlyCollection<int>? tried = null)
    {
        lock (_gate)
        {
            if (_members.Count == 0)
            {
                return null;
            }

            var now = _time.GetUtcNow();
            Member? fallback = null;
            for (var step = 0; step < _members.Count; step++)
            {
                var member = _members[(_next + step) % _members.Count];
                if (tried is not null && tried.Contains(member.Replica.Number))
                {
                    continue;
                }

                if (member.PausedUntil <= now)
                {
                    _next = (_next + step + 1) % _members.Count;
                    return member.Replica;
                }

                if (fallback is null || member.PausedUntil < fallback.PausedUntil)
                {
                    fallback = member;
                }
            }

            return fallback?.Replica;
        }
    }

    /// <summary>Skips the replica for <see cref="Pause"/>: its port refused a connection.</summary>
    public void Refused(ServiceReplica replica)
    {
        lock (_gate)
        {
            foreach (var member in _members.Where(m => m.Replica == replica))
            {
                member.PausedUntil = _time.GetUtcNow() + Pause;
            }
        }
    }

    /// <summary>Ends the replica's pause: its port answered.</summary>
    public void Answered(ServiceReplica replica)
    {
        lock (_gate)
        {
            foreach (var member in _members.Where(m => m.Replica == replica && m.PausedUntil != DateTimeOffset.MinValue))
            {
                member.PausedUntil = DateTimeOffset.MinValue;
            }
        }
    }

    private sealed class Member(ServiceReplica replica)
    {
        public ServiceReplica Replica { get; } = replica;

        public DateTimeOffset PausedUntil { get; set; } = DateTimeOffset.MinValue;
    }
}
