namespace Dstack.Runtime.Tests.Aws.Fake;

/// <summary>
/// What an instance of <see cref="FakeEc2"/> is: <c>RunInstances</c> acquires one machine per instance and answers
/// with its addresses; <c>TerminateInstances</c> (or a spot interruption) releases it.
/// </summary>
public interface IFakeMachineProvider
{
    /// <summary>A machine for a new instance; throws <see cref="FakeCapacityException"/> when none is left.</summary>
    FakeMachine Acquire(FakeMachineRequest request);

    /// <summary>Stops the machine: it no longer answers. Called once per acquired machine.</summary>
    void Release(FakeMachine machine);
}
