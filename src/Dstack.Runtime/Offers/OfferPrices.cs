namespace Dstack.Runtime.Offers;

/// <summary>Where a backend's prices come from, for <c>dstack offer</c>'s footer and its JSON.</summary>
/// <param name="Source"><c>live</c> (asked of the cloud a short time ago) or <c>catalog</c> (a file shipped with the tool).</param>
/// <param name="Description">In words: <c>EC2 catalog of 2026-12-04 (shipped)</c>.</param>
/// <param name="CatalogDate">The day the shipped catalog's facts were taken, when it has one.</param>
/// <param name="FetchedAt">When the live prices were asked for; null for the catalog.</param>
/// <param name="FreshUntil">When the live prices are asked for again; null for the catalog.</param>
public sealed record OfferPrices(string Source, string Description, DateOnly? CatalogDate, DateTimeOffset? FetchedAt, DateTimeOffset? FreshUntil)
{
    public const string Live = "live";

    public const string Catalog = "catalog";
}
