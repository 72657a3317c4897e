using Dstack.Runtime.Planning;

namespace Dstack.LanguageServer.Offers;

/// <summary>A machine a backend could provide for a run, and what it lacks: an offer when it lacks nothing.</summary>
/// <param name="Backend">The backend, such as <c>local</c>.</param>
/// <param name="Instance">The machine or instance type, as the backend names it.</param>
/// <param name="PricePerHour">Dollars per hour.</param>
/// <param name="Resources">What the machine has.</param>
/// <param name="Unmet">Each requirement of the configuration it does not meet, in the runtime's words.</param>
public sealed record OfferCandidate(string Backend, string Instance, decimal PricePerHour, MachineResources Resources, IReadOnlyList<string> Unmet)
{
    public bool Fits => Unmet.Count == 0;
}
