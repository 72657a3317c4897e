namespace Dstack.Runtime.Tests.Azure.Fake;

/// <summary>
/// A VM request <see cref="FakeArm"/> holds before answering (<see cref="FakeArm.HoldNextCreate"/>): the test sees it
/// arrive, sees whether its client gave up (closed the connection), and releases it. A released request is carried out
/// even when its client is gone, as ARM carries out a request whose answer was lost.
/// </summary>
public sealed class ArmHold
{
    private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _abandoned = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Arrived => _arrived.Task;

    public Task Abandoned => _abandoned.Task;

    internal Task Released => _released.Task;

    public void Release() => _released.TrySetResult();

    internal void Arrive() => _arrived.TrySetResult();

    internal void Abandon() => _abandoned.TrySetResult();
}
