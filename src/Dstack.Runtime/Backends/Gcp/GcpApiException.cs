namespace Dstack.Runtime.Backends.Gcp;

/// <summary>
/// Compute Engine refused a call or an operation ended with an error: the HTTP status (0 for a failed operation), the
/// error's code or reason (<c>ZONE_RESOURCE_POOL_EXHAUSTED</c>, <c>QUOTA_EXCEEDED</c>, <c>notFound</c>) and its message.
/// </summary>
public sealed class GcpApiException(int status, string code, string message) : Exception($"{code}: {message}")
{
    /// <summary>The codes that mean "no capacity for this offer here now": the next zone or offer may have it.</summary>
    public static readonly IReadOnlyList<string> CapacityCodes = ["ZONE_RESOURCE_POOL_EXHAUSTED", "ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS", "QUOTA_EXCEEDED"];

    public int Status { get; } = status;

    public string Code { get; } = code;

    public string Detail { get; } = message;

    /// <summary>Whether another zone or offer may succeed where this one had no capacity or quota.</summary>
    public bool IsCapacity => CapacityCodes.Contains(Code, StringComparer.Ordinal);

    public bool IsNotFound => Status == 404 || Code == "notFound" || Code == "RESOURCE_NOT_FOUND";
}
