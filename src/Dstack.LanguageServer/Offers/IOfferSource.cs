using Dstack.Runtime.Configuration.Model;

namespace Dstack.LanguageServer.Offers;

/// <summary>
/// One configured backend, as the editor sees it: the machines it could provide for a configuration. Answers from
/// what it already knows (cached), because it is asked on every code lens request.
/// </summary>
public interface IOfferSource
{
    IReadOnlyList<OfferCandidate> Candidates(RunConfiguration configuration);
}
