namespace Dstack.Runtime.Tests.Aws.Fake;

/// <summary>Calls held before they are answered, so a test can act while a client waits on EC2 (e.g. in RunInstances).</summary>
public sealed partial class FakeEc2
{
    private readonly List<Ec2Hold> _holds = [];
    private readonly List<Ec2Hold> _everyHold = [];

    /// <summary>
    /// Holds the next call to <paramref name="action"/> (that <paramref name="when"/> accepts) until the test releases
    /// it; the call is then carried out as usual, even if its client has given up meanwhile. E.g.
    /// <c>var hold = fake.HoldNext("RunInstances"); await hold.Arrived; …; hold.Release();</c>
    /// </summary>
    public Ec2Hold HoldNext(string action, Func<Ec2Request, bool>? when = null)
    {
        var hold = new Ec2Hold(action, when);
        lock (_gate)
        {
            _holds.Add(hold);
            _everyHold.Add(hold);
        }

        return hold;
    }

    /// <summary>Lets every held call go on (at disposal: the server stops only once its calls are answered).</summary>
    private void ReleaseHolds()
    {
        lock (_gate)
        {
            _everyHold.ForEach(h => h.Release());
        }
    }

    private async Task WaitIfHeldAsync(Dictionary<string, string> parameters, CancellationToken aborted)
    {
        var action = parameters.GetValueOrDefault("Action") ?? string.Empty;
        Ec2Hold? hold;
        lock (_gate)
        {
            var request = new Ec2Request(action, string.Empty, parameters);
            hold = _holds.FirstOrDefault(h => h.Action == action && (h.When is null || h.When(request)));
            if (hold is not null)
            {
                _holds.Remove(hold);
            }
        }

        if (hold is null)
        {
            return;
        }

        using var registration = aborted.Register(hold.Abandon);
        hold.Arrive();
        await hold.Released.ConfigureAwait(false);
    }
}
