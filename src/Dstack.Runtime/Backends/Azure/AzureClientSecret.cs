namespace Dstack.Runtime.Backends.Azure;

/// <summary>A service principal's application (client) id and client secret; the secret is never written to the state store or a log.</summary>
public sealed record AzureClientSecret(string ClientId, string Secret)
{
    /// <summary>Only the client id, never the secret.</summary>
    public override string ToString() => $"service principal {ClientId}";
}
