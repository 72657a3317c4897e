namespace Dstack.Runtime.Offers;

/// <summary>
/// One backend's answer for a run: every machine it considered (offers, and those left out with their reasons), and
/// its problems in full words: errors when it cannot run the configuration at all, notes when it can.
/// </summary>
/// <param name="Backend">The backend's name.</param>
/// <param name="Candidates">Every machine considered, in the backend's order.</param>
/// <param name="Problems">Errors (it cannot run the configuration) and notes (warnings, infos) for the plan.</param>
public sealed record BackendOffers(string Backend, IReadOnlyList<OfferCandidate> Candidates, IReadOnlyList<OfferProblem> Problems)
{
    /// <summary>Where its prices come from; null for a backend whose prices need no saying (this machine, the pool).</summary>
    public OfferPrices? Prices { get; init; }

    public IEnumerable<Offer> Offers => Candidates.Where(c => c.Fits).Select(c => c.Offer);

    /// <summary>True when its offers can take every node of the run and nothing else stands in the way.</summary>
    public bool CanRun(int nodes) => !Problems.Any(p => p.IsError) && Offers.Where(o => o.Availability == OfferAvailability.Available).Sum(o => (long)o.Capacity) >= nodes;
}
