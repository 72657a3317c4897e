namespace Dstack.Runtime.Offers;

/// <summary>
/// What offers depend on besides the requirements: the caller's environment (its PATH finds a Python) and what active
/// runs hold (a GPU of this machine, a pool host), asked only by a backend that needs it.
/// </summary>
public sealed record OfferContext
{
    public static readonly OfferContext Empty = new();

    /// <summary>The caller's environment variables.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Where each active run's jobs run (its placements), with the run's name: a backend reads its own.</summary>
    public Func<IReadOnlyList<HeldPlacement>> InUse { get; init; } = () => [];
}

/// <summary>A job of an active run on one of a backend's machines: the offer it took and the run's name.</summary>
public sealed record HeldPlacement(Offer Offer, string RunName);
