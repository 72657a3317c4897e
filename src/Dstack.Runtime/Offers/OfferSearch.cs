namespace Dstack.Runtime.Offers;

/// <summary>
/// Every configured backend's answer for one run's requirements: the offers that fit, cheapest first; the machines
/// left out and why; and the placement of the run's jobs (<see cref="Place"/>).
/// </summary>
/// <param name="Requirements">What was asked.</param>
/// <param name="Backends">Each admitted backend's answer, in the catalog's order.</param>
/// <param name="Problems">Problems of the search itself (the backends filter admits no configured backend).</param>
public sealed record OfferSearch(Requirements Requirements, IReadOnlyList<BackendOffers> Backends, IReadOnlyList<OfferProblem> Problems)
{
    /// <summary>
    /// Every offer that fits and can be had now, in the one order offers are shown and taken in: price per hour, then the
    /// catalog's order of backends (this machine first: nothing to upload), then each backend's own order (an SSH
    /// pool's order, as the user wrote it).
    /// </summary>
    public IReadOnlyList<Offer> Offers => [.. Ordered(Backends.SelectMany(b => b.Candidates.Where(c => c.Fits && c.Offer.Availability == OfferAvailability.Available).Select(c => c.Offer)))];

    /// <summary>Every machine considered that does not fit (or cannot be had now), with its reasons, by backend.</summary>
    public IReadOnlyList<OfferCandidate> LeftOut => [.. Backends.SelectMany(b => b.Candidates.Where(c => !c.Fits || c.Offer.Availability != OfferAvailability.Available))];

    /// <summary>Every machine considered, offers first in <see cref="Offers"/>' order, then those left out.</summary>
    public IReadOnlyList<OfferCandidate> Candidates =>
        [.. Offers.Select(o => Backends.SelectMany(b => b.Candidates).First(c => ReferenceEquals(c.Offer, o))), .. LeftOut];

    /// <summary>
    /// Where the run's jobs go: the cheapest backend whose offers can take every node (the jobs of one run never span
    /// backends), one offer per job in <see cref="Offers"/>' order (an offer with room for several jobs takes them),
    /// and the backend's other offers as spares for a job whose machine is lost. Null when no backend can take them.
    /// </summary>
    public Placement? Place()
    {
        var nodes = Requirements.Nodes;
        foreach (var answer in Backends.Where(b => b.CanRun(nodes)).OrderBy(b => Ordered(b.Offers.Where(o => o.Availability == OfferAvailability.Available)).First().PricePerHour))
        {
            var offers = Ordered(answer.Offers.Where(o => o.Availability == OfferAvailability.Available)).ToList();
            var jobs = new List<Offer>();
            var used = 0;
            foreach (var offer in offers)
            {
                used++;
                for (var i = 0; i < offer.Capacity && jobs.Count < nodes; i++)
                {
                    jobs.Add(offer);
                }

                if (jobs.Count == nodes)
                {
                    break;
                }
            }

            return new Placement(answer, jobs, [.. offers.Skip(used)]);
        }

        return null;
    }

    /// <summary>The problems a plan shows: with a placement, its backend's notes; without, every backend's problems.</summary>
    public IReadOnlyList<OfferProblem> ProblemsFor(Placement? placement) => placement is { } chosen
        ? [.. Problems, .. chosen.Backend.Problems.Where(p => !p.IsError)]
        : [.. Problems, .. Backends.SelectMany(b => b.Problems)];

    private IEnumerable<Offer> Ordered(IEnumerable<Offer> offers)
    {
        var backendOrder = Backends.Select(b => b.Backend).ToList();
        return offers.Select((o, i) => (Offer: o, Index: i)).OrderBy(x => x.Offer.PricePerHour).ThenBy(x => backendOrder.IndexOf(x.Offer.Backend)).ThenBy(x => x.Index).Select(x => x.Offer);
    }
}

/// <summary>Where a run's jobs go: the backend, the offer of each job by rank, and spare offers of the same backend.</summary>
public sealed record Placement(BackendOffers Backend, IReadOnlyList<Offer> Jobs, IReadOnlyList<Offer> Spares);
