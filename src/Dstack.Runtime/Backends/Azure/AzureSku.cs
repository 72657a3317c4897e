namespace Dstack.Runtime.Backends.Azure;

/// <summary>A VM size that the subscription's resource SKUs list in a region, with why it cannot be used there, if it cannot.</summary>
/// <param name="Size">The VM size (<c>Standard_NC24ads_A100_v4</c>).</param>
/// <param name="Region">The region asked about.</param>
/// <param name="Restriction">ARM's reason code (<c>NotAvailableForSubscription</c>, <c>QuotaId</c>) when the size is restricted there; null when usable.</param>
public sealed record AzureSku(string Size, string Region, string? Restriction);
