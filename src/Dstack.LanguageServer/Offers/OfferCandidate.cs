using Dstack.Runtime.Planning;
using Dstack.Runtime.Runs;

namespace Dstack.LanguageServer.Offers;

/// <summary>A machine a backend could provide for a run, and what it lacks: an offer when it lacks nothing.</summary>
/// <param name="Backend">The backend, such as <c>local</c> or <c>ssh</c>.</param>
/// <param name="Instance">The machine or instance type, as the backend names it (an SSH host's pool name).</param>
/// <param name="PricePerHour">Dollars per hour.</param>
/// <param name="Resources">What the machine has; null while it is not known (an SSH host not probed yet, or unreachable).</param>
/// <param name="Unmet">Each requirement of the configuration it does not meet, in the runtime's words.</param>
public sealed record OfferCandidate(string Backend, string Instance, decimal PricePerHour, MachineResources? Resources, IReadOnlyList<string> Unmet)
{
    public bool Fits => Unmet.Count == 0;

    /// <summary>How the lens names it: <c>local</c> for this machine (the backend's only one), else <c>gpu1 (ssh)</c>.</summary>
    public string Label => Backend == LocalOffer.Backend ? Backend : $"{Instance} ({Backend})";
}
