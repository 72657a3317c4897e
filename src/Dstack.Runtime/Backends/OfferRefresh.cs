namespace Dstack.Runtime.Backends;

/// <summary>What a backend's refresh of its offers did (<see cref="IBackend.RefreshOffersAsync"/>).</summary>
/// <param name="Refreshed">True when it learnt something new, so offers computed before it are out of date.</param>
/// <param name="Warning">One line for the user when it could not refresh (why, and what is used instead); null when all went well or nothing was needed.</param>
public sealed record OfferRefresh(bool Refreshed, string? Warning)
{
    /// <summary>Nothing to refresh: a backend that needs none, or whose offers are fresh.</summary>
    public static OfferRefresh NotNeeded { get; } = new(false, null);
}
