using System.Globalization;

namespace Dstack.LanguageServer.Offers;

/// <summary>
/// What the configured backends could offer for one configuration, in one line for the offers lens:
/// <c>1 offer: local, free</c>, <c>2 offers: local, free · gpu1 (ssh), free</c> (the cheapest first, at most
/// <see cref="Listed"/> named, then how many more), or <c>no offers: </c> and what is missing.
/// </summary>
/// <param name="Candidates">Every machine considered, offers and not.</param>
public sealed record OfferSummary(IReadOnlyList<OfferCandidate> Candidates)
{
    /// <summary>How many offers the line names; the rest are counted.</summary>
    public const int Listed = 3;

    public IReadOnlyList<OfferCandidate> Offers => [.. Candidates.Where(c => c.Fits)];

    public string Text => Describe(Offers, Candidates);

    /// <summary>The lens title of a file with errors, which has no model to ask offers for.</summary>
    public static string FixErrorsFirst(int errors) =>
        errors == 1 ? "fix 1 error to see offers" : string.Create(CultureInfo.InvariantCulture, $"fix {errors} errors to see offers");

    /// <summary>A price as dstack shows it, per hour; this machine's is "free".</summary>
    public static string Price(decimal perHour) =>
        perHour == 0m ? "free" : string.Create(CultureInfo.InvariantCulture, $"${perHour:0.00##}/h");

    private static string Describe(IReadOnlyList<OfferCandidate> offers, IReadOnlyList<OfferCandidate> candidates)
    {
        if (offers.Count == 1)
        {
            return $"1 offer: {offers[0].Label}, {Price(offers[0].PricePerHour)}";
        }

        if (offers.Count > 1)
        {
            // OrderBy is stable: equal prices keep the backends' order (this machine first).
            var named = offers.OrderBy(o => o.PricePerHour).Take(Listed).Select(o => $"{o.Label}, {Price(o.PricePerHour)}");
            var more = offers.Count > Listed ? string.Create(CultureInfo.InvariantCulture, $" · {offers.Count - Listed} more") : string.Empty;
            return string.Create(CultureInfo.InvariantCulture, $"{offers.Count} offers: {string.Join(" · ", named)}{more}");
        }

        return candidates.Count switch
        {
            0 => "no offers: no backend is configured",
            1 => $"no offers: {string.Join("; ", candidates[0].Unmet)}",
            _ => $"no offers: {string.Join("; ", candidates.Select(c => $"{c.Label}: {c.Unmet[0]}"))}",
        };
    }
}
