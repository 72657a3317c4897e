namespace Dstack.Runtime.Configuration.Model;

/// <summary>A service's gateway: a gateway name, or <c>false</c> for none (a null name).</summary>
public sealed record GatewayChoice(string? Name)
{
    public static GatewayChoice None { get; } = new((string?)null);
}
