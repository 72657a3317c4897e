namespace Dstack.Runtime.Tests.Aws.Fake;

/// <summary>
/// Thrown by an <see cref="IFakeMachineProvider"/> that has no machine left; <see cref="FakeEc2"/> answers
/// <c>InsufficientInstanceCapacity</c>, as EC2 does when a zone has no capacity for a type.
/// </summary>
public sealed class FakeCapacityException : Exception
{
    public FakeCapacityException(string message)
        : base(message)
    {
    }
}
