namespace Dstack.Runtime.Tests.CloudFakes;

/// <summary>
/// What an instance (EC2), instance (GCP) or VM (Azure) of a cloud fake is: the fake's create call acquires one machine
/// per instance and answers with its addresses; its delete call (or a spot interruption) releases it. Shared by the
/// three fakes: <c>FakeEc2</c>, <c>FakeGcp</c> and <c>FakeArm</c>.
/// </summary>
public interface IFakeMachineProvider
{
    /// <summary>A machine for a new instance; throws <see cref="FakeCapacityException"/> when none is left.</summary>
    FakeMachine Acquire(FakeMachineRequest request);

    /// <summary>Stops the machine: it no longer answers. Called once per acquired machine.</summary>
    void Release(FakeMachine machine);
}
