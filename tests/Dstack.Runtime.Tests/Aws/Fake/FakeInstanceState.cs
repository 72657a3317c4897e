namespace Dstack.Runtime.Tests.Aws.Fake;

/// <summary>
/// The instance states the fake goes through, with EC2's state codes (API reference, <c>InstanceState</c>:
/// 0 pending, 16 running, 32 shutting-down, 48 terminated).
/// </summary>
public enum FakeInstanceState
{
    Pending = 0,
    Running = 16,
    ShuttingDown = 32,
    Terminated = 48,
}
