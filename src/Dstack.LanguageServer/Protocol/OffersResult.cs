namespace Dstack.LanguageServer.Protocol;

/// <summary>The answer of <c>dstack.offers</c>: the lens's summary and every candidate behind it.</summary>
/// <param name="Uri">The document.</param>
/// <param name="Summary">The offers lens's title.</param>
/// <param name="Candidates">Each machine a backend could provide, with what it lacks (nothing, for an offer).</param>
public sealed record OffersResult(string Uri, string Summary, IReadOnlyList<OfferCandidateView> Candidates);
