using Dstack.Runtime.Configuration.Model;

namespace Dstack.LanguageServer.Offers;

/// <summary>
/// The backends the editor knows, asked together for a configuration's offers: this machine and the SSH pool; a cloud
/// backend is one more <see cref="IOfferSource"/> in the list.
/// </summary>
public sealed class OfferCatalog(IReadOnlyList<IOfferSource> sources)
{
    public IReadOnlyList<IOfferSource> Sources { get; } = sources;

    /// <summary>
    /// The catalog of a running server: this machine, detected once and refreshed in the background, then the SSH hosts
    /// of <c>$DSTACK_HOME/config.yml</c>, probed in the background.
    /// </summary>
    public static OfferCatalog ThisMachine() => new([new LocalOfferSource(MachineProbe.ThisMachine()), SshOfferSource.FromEnvironment()]);

    public OfferSummary Summarize(RunConfiguration configuration) =>
        new([.. Sources.SelectMany(s => s.Candidates(configuration))]);
}
