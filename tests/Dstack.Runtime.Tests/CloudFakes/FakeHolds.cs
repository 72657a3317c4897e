namespace Dstack.Runtime.Tests.CloudFakes;

/// <summary>
/// The <see cref="FakeHold"/>s one fake made: a waiting hold is taken by the first request it matches (in the order the
/// holds were made), and every hold is released when the fake is disposed. <typeparamref name="TRequest"/> is what the
/// fake knows of a request when it decides to hold it (e.g. <c>Ec2Request</c>, <c>GcpCall</c>).
/// </summary>
/// <typeparam name="TRequest">The fake's own view of a request, which holds match on.</typeparam>
public sealed class FakeHolds<TRequest>
{
    private readonly Lock _gate = new();
    private readonly List<(Func<TRequest, bool> Matches, FakeHold Hold)> _waiting = [];
    private readonly List<FakeHold> _every = [];

    /// <summary>A hold for the next request that <paramref name="matches"/> accepts.</summary>
    public FakeHold Add(Func<TRequest, bool> matches)
    {
        var hold = new FakeHold();
        lock (_gate)
        {
            _waiting.Add((matches, hold));
            _every.Add(hold);
        }

        return hold;
    }

    /// <summary>The first waiting hold that matches <paramref name="request"/>, no longer waiting; null when none does.</summary>
    public FakeHold? Take(TRequest request)
    {
        lock (_gate)
        {
            var index = _waiting.FindIndex(h => h.Matches(request));
            if (index < 0)
            {
                return null;
            }

            var hold = _waiting[index].Hold;
            _waiting.RemoveAt(index);
            return hold;
        }
    }

    /// <summary>Lets every hold go on, taken or not (at disposal: a fake's server stops only once its requests are answered).</summary>
    public void ReleaseAll()
    {
        lock (_gate)
        {
            _every.ForEach(h => h.Release());
        }
    }
}
