using System.Globalization;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Offers;

namespace Dstack.LanguageServer.Offers;

/// <summary>
/// What the configured backends offer for one configuration (the runtime's <see cref="OfferSearch"/>, the one
/// <c>dstack run</c> plans with), in one line for the offers lens: <c>1 offer: local, free</c>,
/// <c>2 offers: local, free · gpu1 (ssh), free</c> (in the search's order: cheapest first, at most <see cref="Listed"/>
/// named, then how many more), or <c>no offers: </c> and what stands in the way.
/// </summary>
/// <param name="Candidates">Every machine considered: the offers first, in the order they are taken in, then those left out.</param>
/// <param name="Problems">
/// What stands in the way besides the machines, in a few words: the backends filter admits no configured backend, the
/// profile cannot be read, config.yml is malformed.
/// </param>
public sealed record OfferSummary(IReadOnlyList<OfferCandidate> Candidates, IReadOnlyList<string> Problems)
{
    /// <summary>How many offers the line names; the rest are counted.</summary>
    public const int Listed = 3;

    /// <summary>The candidates that fit and can be had now, in the search's order.</summary>
    public IReadOnlyList<OfferCandidate> Offers => [.. Candidates.Where(IsOffer)];

    public string Text => Describe();

    /// <summary>
    /// The summary of a search; <paramref name="configProblems"/> are config.yml's (<see cref="Runtime.Backends.ConfiguredBackends.Problems"/>),
    /// named when nothing is offered (a malformed pool may be why).
    /// </summary>
    public static OfferSummary Of(OfferSearch search, IReadOnlyList<Diagnostic> configProblems) =>
        new(search.Candidates, [.. search.Problems.Where(p => p.IsError).Select(p => WithoutPrefix(p.Message)), .. configProblems.Select(d => $"config.yml: {d.Code} {d.Message}")]);

    /// <summary>The lens title of a file with errors, which has no model to ask offers for.</summary>
    public static string FixErrorsFirst(int errors) =>
        errors == 1 ? "fix 1 error to see offers" : string.Create(CultureInfo.InvariantCulture, $"fix {errors} errors to see offers");

    /// <summary>A price as dstack shows it, per hour; this machine's is "free".</summary>
    public static string Price(decimal perHour) =>
        perHour == 0m ? "free" : string.Create(CultureInfo.InvariantCulture, $"${perHour:0.00##}/h");

    private static bool IsOffer(OfferCandidate candidate) => candidate.Fits && candidate.Offer.Availability == OfferAvailability.Available;

    private string Describe()
    {
        var offers = Offers;
        if (offers.Count == 1)
        {
            return $"1 offer: {offers[0].Label}, {Price(offers[0].Offer.PricePerHour)}";
        }

        if (offers.Count > 1)
        {
            var named = offers.Take(Listed).Select(o => $"{o.Label}, {Price(o.Offer.PricePerHour)}");
            var more = offers.Count > Listed ? string.Create(CultureInfo.InvariantCulture, $" · {offers.Count - Listed} more") : string.Empty;
            return string.Create(CultureInfo.InvariantCulture, $"{offers.Count} offers: {string.Join(" · ", named)}{more}");
        }

        IEnumerable<string> machines = Candidates.Count == 1
            ? [string.Join("; ", Reasons(Candidates[0]))]
            : Candidates.Select(c => $"{c.Label}: {Reasons(c)[0]}");
        var reasons = machines.Concat(Problems).ToList();
        return reasons.Count == 0 ? "no offers: no backend is configured" : $"no offers: {string.Join("; ", reasons)}";
    }

    /// <summary>Why a candidate is no offer: what it lacks, or (fitting) why it cannot be had now.</summary>
    private static IReadOnlyList<string> Reasons(OfferCandidate candidate) => candidate.Unmet.Count > 0
        ? candidate.Unmet
        : [candidate.Offer.Availability switch
        {
            OfferAvailability.Busy => "busy with another run",
            OfferAvailability.Unknown => "not known yet",
            _ => "not available now",
        }];

    /// <summary>The lens says "no offers: " once, before every reason.</summary>
    private static string WithoutPrefix(string message) =>
        message.StartsWith("no offers: ", StringComparison.Ordinal) ? message["no offers: ".Length..] : message;
}
