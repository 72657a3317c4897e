namespace Dstack.Runtime.Backends;

/// <summary>An offer could not be provisioned now; the message names the offer, why, and what to do.</summary>
/// <param name="message">The reason, in words.</param>
/// <param name="noCapacity">True when the backend has no capacity for the offer now (a retry on no-capacity may wait for it).</param>
public sealed class ProvisioningException(string message, bool noCapacity = false) : Exception(message)
{
    public bool NoCapacity { get; } = noCapacity;
}
