namespace Dstack.Runtime.Tests.Azure.Fake;

/// <summary>A VM size the fake's resource SKUs list in a region; <paramref name="Restriction"/> is ARM's reason code when restricted there.</summary>
public sealed record FakeSku(string Name, string Region, int Cpus, int MemoryGb, int Gpus, string? Restriction = null)
{
    public static readonly IReadOnlyList<FakeSku> Defaults =
    [
        new("Standard_D2s_v5", "eastus", 2, 8, 0),
        new("Standard_D4s_v5", "eastus", 4, 16, 0),
        new("Standard_D8s_v5", "eastus", 8, 32, 0),
        new("Standard_NC4as_T4_v3", "eastus", 4, 28, 1),
        new("Standard_NC24ads_A100_v4", "eastus", 24, 220, 1),
        new("Standard_NC24ads_A100_v4", "westeurope", 24, 220, 1, "NotAvailableForSubscription"),
    ];
}
