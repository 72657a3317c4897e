namespace Dstack.Runtime.Tests.CloudFakes;

/// <summary>
/// A request a cloud fake holds in flight before answering it (<c>FakeEc2.HoldNext</c>, <c>FakeGcp.HoldNextInsert</c>,
/// <c>FakeArm.HoldNextCreate</c>): the test sees it arrive, sees whether its client gave up on it (closed the
/// connection, e.g. a cancelled request or a killed process), and releases it. A released request is carried out even
/// when its client is gone, as a cloud carries out a create whose answer was lost. A fake releases the holds it made
/// when it is disposed (its server stops only once its requests are answered). Which request is held is each fake's
/// choice; what each fake records of its calls (<c>Ec2Call</c>, <c>GcpCall</c>, <c>ArmCall</c>) and the errors and faults
/// it answers with stay per cloud, since they are wire-format specific.
/// </summary>
public sealed class FakeHold
{
    private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _abandoned = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal FakeHold()
    {
    }

    /// <summary>Completes when the held request has arrived.</summary>
    public Task Arrived => _arrived.Task;

    /// <summary>Completes when the client closed the connection of the held request before its answer.</summary>
    public Task Abandoned => _abandoned.Task;

    /// <summary>Lets the held request go on (at once for a request that has not arrived yet).</summary>
    public void Release() => _released.TrySetResult();

    /// <summary>
    /// Holds the request that arrived: <see cref="Arrived"/> completes, <see cref="Abandoned"/> completes if
    /// <paramref name="clientGone"/> fires meanwhile, and this returns once the test calls <see cref="Release"/>
    /// (never on <paramref name="clientGone"/>: the request is still carried out).
    /// </summary>
    internal async Task HoldAsync(CancellationToken clientGone)
    {
        using var registration = clientGone.Register(() => _abandoned.TrySetResult());
        _arrived.TrySetResult();
        await _released.Task.ConfigureAwait(false);
    }
}
