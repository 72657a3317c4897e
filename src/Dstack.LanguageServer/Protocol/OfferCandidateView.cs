namespace Dstack.LanguageServer.Protocol;

/// <summary>One candidate machine as <c>dstack.offers</c> shows it.</summary>
/// <param name="Backend">The backend, such as <c>local</c>.</param>
/// <param name="Instance">The machine or instance type.</param>
/// <param name="PricePerHour">Dollars per hour; 0 for this machine.</param>
/// <param name="Resources">What it has, as dstack prints offers: <c>16xCPU, 64GB, 2xA100 (80GB), 500GB (disk)</c>; <c>unknown</c> for an SSH host not probed yet or unreachable.</param>
/// <param name="Fits">True when it meets every requirement: an offer.</param>
/// <param name="Unmet">What it lacks, one requirement each.</param>
public sealed record OfferCandidateView(string Backend, string Instance, decimal PricePerHour, string Resources, bool Fits, IReadOnlyList<string> Unmet);
