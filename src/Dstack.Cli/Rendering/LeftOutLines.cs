using System.Globalization;
using Dstack.Runtime.Offers;

namespace Dstack.Cli.Rendering;

/// <summary>
/// What a search left out, as a few lines a user can read: one line per backend and reason, naming the machines and
/// regions it holds for (a cloud's catalog has the same type in many regions and markets, and many types fail for the
/// same reason); the closest first (the fewest unmet requirements, then in the backend's own order: a cloud puts its
/// near misses first, such as "ask for 8 GPUs" before the hundred types without a GPU), at most a given number of
/// lines, then how many more and where to see them all. <c>dstack run</c>'s plan and <c>dstack offer</c> both write them.
/// </summary>
public static class LeftOutLines
{
    /// <summary>How many machines or regions a line names before it counts the rest.</summary>
    private const int Named = 3;

    public static IReadOnlyList<string> Of(OfferSearch search, int limit)
    {
        var groups = search.LeftOut
            .Select((c, index) => (Candidate: c, Index: index))
            .GroupBy(c => (c.Candidate.Offer.Backend, Why: string.Join("; ", c.Candidate.Unmet)))
            .Select(g => (g.Key.Backend, g.Key.Why, Unmet: g.First().Candidate.Unmet.Count, First: g.Min(c => c.Index),
                Machines: g.OrderBy(c => c.Candidate.Offer.PricePerHour).Select(c => c.Candidate.Offer.Instance).Distinct(StringComparer.Ordinal).ToList(),
                Regions: g.Select(c => c.Candidate.Offer.Region).Where(r => r != g.Key.Backend).Distinct(StringComparer.Ordinal).ToList(),
                Offers: g.Count()))
            .OrderBy(g => g.Unmet)
            .ThenBy(g => g.First)
            .ToList();
        var lines = groups.Take(limit).Select(g => $" left out: {Names(g.Machines)} ({g.Backend}{Where(g.Regions)}): {g.Why}").ToList();
        if (groups.Count > limit)
        {
            var rest = groups.Skip(limit).Sum(g => g.Offers);
            var reasons = groups.Count - limit;
            lines.Add(string.Create(CultureInfo.InvariantCulture, $" ... and {rest} more left out for {(reasons == 1 ? "another reason" : $"{reasons} other reasons")} (dstack offer --json lists each with why)"));
        }

        return lines;
    }

    private static string Where(IReadOnlyList<string> regions) => regions.Count == 0 ? string.Empty : $" in {Names(regions, "region")}";

    private static string Names(IReadOnlyList<string> names, string? what = null) => names.Count <= Named
        ? string.Join(", ", names)
        : string.Create(CultureInfo.InvariantCulture, $"{string.Join(", ", names.Take(Named))} and {names.Count - Named} more{(what is null ? string.Empty : names.Count - Named == 1 ? $" {what}" : $" {what}s")}");
}
