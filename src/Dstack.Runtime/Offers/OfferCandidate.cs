namespace Dstack.Runtime.Offers;

/// <summary>
/// A machine a backend considered for a run, and each requirement it does not meet in a few words
/// (<c>gpu: 1 needed, 0 present</c>, <c>busy with the run fast-cat-1</c>): an offer when it meets them all.
/// </summary>
public sealed record OfferCandidate(Offer Offer, IReadOnlyList<string> Unmet)
{
    public bool Fits => Unmet.Count == 0;

    /// <summary>How a one-line summary names it: a backend's only machine by the backend (<c>local</c>), else <c>gpu1 (ssh)</c>.</summary>
    public string Label => Offer.Backend == Offer.Instance ? Offer.Backend : $"{Offer.Instance} ({Offer.Backend})";
}
