namespace Dstack.Runtime.Tests.Aws.Fake;

/// <summary>
/// A call the fake holds before answering (<see cref="FakeEc2.HoldNext"/>): the test sees it arrive, sees whether the
/// client gave up on it (closed the connection, e.g. a cancelled request or a killed process), and releases it. A
/// released call is carried out even when its client is gone, as EC2 carries out a launch whose answer was lost.
/// </summary>
public sealed class Ec2Hold
{
    private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _abandoned = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal Ec2Hold(string action, Func<Ec2Request, bool>? when)
    {
        Action = action;
        When = when;
    }

    public string Action { get; }

    /// <summary>Completes when the held call has arrived.</summary>
    public Task Arrived => _arrived.Task;

    /// <summary>Completes when the client closed the connection of the held call before its answer.</summary>
    public Task Abandoned => _abandoned.Task;

    internal Func<Ec2Request, bool>? When { get; }

    internal Task Released => _released.Task;

    /// <summary>Lets the held call go on (at once for a call that has not arrived yet).</summary>
    public void Release() => _released.TrySetResult();

    internal void Arrive() => _arrived.TrySetResult();

    internal void Abandon() => _abandoned.TrySetResult();
}
