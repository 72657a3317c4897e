using Dstack.Runtime.Tests.CloudFakes;

namespace Dstack.Runtime.Tests.Aws.Fake;

/// <summary>Calls held before they are answered, so a test can act while a client waits on EC2 (e.g. in RunInstances).</summary>
public sealed partial class FakeEc2
{
    private readonly FakeHolds<Ec2Request> _holds = new();

    /// <summary>
    /// Holds the next call to <paramref name="action"/> (that <paramref name="when"/> accepts) until the test releases
    /// it (see <see cref="FakeHold"/>); the call is then carried out as usual, even if its client has given up meanwhile.
    /// E.g. <c>var hold = fake.HoldNext("RunInstances"); await hold.Arrived; …; hold.Release();</c>
    /// </summary>
    public FakeHold HoldNext(string action, Func<Ec2Request, bool>? when = null) =>
        _holds.Add(request => request.Action == action && (when is null || when(request)));

    private async Task WaitIfHeldAsync(Dictionary<string, string> parameters, CancellationToken aborted)
    {
        var action = parameters.GetValueOrDefault("Action") ?? string.Empty;
        if (_holds.Take(new Ec2Request(action, string.Empty, parameters)) is { } hold)
        {
            await hold.HoldAsync(aborted).ConfigureAwait(false);
        }
    }
}
