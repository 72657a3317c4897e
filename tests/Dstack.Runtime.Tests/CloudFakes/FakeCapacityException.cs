namespace Dstack.Runtime.Tests.CloudFakes;

/// <summary>
/// Thrown by an <see cref="IFakeMachineProvider"/> that has no machine left. Each fake answers it in its cloud's words:
/// the EC2 fake with <c>InsufficientInstanceCapacity</c>, the GCP fake with an insert operation that ends in
/// <c>ZONE_RESOURCE_POOL_EXHAUSTED</c>, as the clouds do when a zone has no capacity for a type.
/// </summary>
public sealed class FakeCapacityException : Exception
{
    public FakeCapacityException(string message)
        : base(message)
    {
    }
}
