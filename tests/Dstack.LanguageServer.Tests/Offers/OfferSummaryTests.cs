using Dstack.LanguageServer.Offers;
using Dstack.LanguageServer.Tests.Support;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Offers;

namespace Dstack.LanguageServer.Tests.Offers;

/// <summary>The offers lens's line, over the runtime's search of one or several backends.</summary>
[Trait("Category", "Fast")]
public sealed class OfferSummaryTests
{
    [Fact]
    public void Text_SeveralOffers_CountAndEachCheapestFirst()
    {
        var summary = Summary(Backend("ssh", Candidate("ssh", 0.42m)), Backend("local", Local()), Backend("aws", Candidate("aws", 1.5m, "gpu: too small")));

        Assert.Equal("2 offers: local, free · box (ssh), $0.42/h", summary.Text);
        Assert.Equal(["local", "ssh"], summary.Offers.Select(o => o.Offer.Backend));
    }

    [Theory]
    [InlineData(0.0, "1 offer: box (ssh), free")]
    [InlineData(0.42, "1 offer: box (ssh), $0.42/h")]
    [InlineData(1.2345, "1 offer: box (ssh), $1.2345/h")]
    public void Text_OneOffer_BackendAndPrice(double price, string expected) =>
        Assert.Equal(expected, Summary(Backend("ssh", Candidate("ssh", (decimal)price))).Text);

    [Fact]
    public void Text_NoOfferFromSeveralBackends_EachSaysWhy()
    {
        var summary = Summary(Backend("local", Local("gpu: needs 1xH100, the machine has no GPU")), Backend("ssh", Candidate("ssh", 0m, "memory: needs 64GB.., the machine has 16GB", "disk: too small")));

        Assert.Equal("no offers: local: gpu: needs 1xH100, the machine has no GPU; box (ssh): memory: needs 64GB.., the machine has 16GB", summary.Text);
    }

    [Fact]
    public void Text_OneMachineLeftOut_EveryReason()
    {
        var summary = Summary(Backend("local", Local("cpu: needs 64.. CPUs, the machine has 8", "spot_policy: spot asks for spot instances, and this machine is on-demand")));

        Assert.Equal("no offers: cpu: needs 64.. CPUs, the machine has 8; spot_policy: spot asks for spot instances, and this machine is on-demand", summary.Text);
    }

    [Fact]
    public void Text_ManyOffers_NamesTheCheapestThreeAndCountsTheRest()
    {
        var summary = Summary(Backend("local", Local()), Backend("ssh", Named("gpu1"), Named("gpu2")), Backend("aws", Candidate("aws", 2m), Candidate("aws", 1m)));

        Assert.Equal("5 offers: local, free · gpu1 (ssh), free · gpu2 (ssh), free · 2 more", summary.Text);
    }

    [Fact]
    public void Text_EqualPrices_TheCatalogsOrderOfBackends()
    {
        var summary = Summary(Backend("local", Local()), Backend("ssh", Named("gpu1")));

        Assert.Equal("2 offers: local, free · gpu1 (ssh), free", summary.Text);
    }

    [Fact]
    public void Text_FittingHostThatCannotBeHadNow_IsNoOffer()
    {
        var busy = new OfferCandidate(Offer("ssh", "gpu1", 0m) with { Availability = OfferAvailability.Busy }, []);

        Assert.Equal("no offers: busy with another run", Summary(Backend("ssh", busy)).Text);
    }

    [Fact]
    public void Text_NoBackend_SaysSo() => Assert.Equal("no offers: no backend is configured", new OfferSummary([], []).Text);

    [Fact]
    public void Of_NoBackendAdmitted_TheSearchsProblemOnce()
    {
        var search = new OfferSearch(new Requirements(), [], [OfferProblem.Error(DiagnosticCodes.NoOffers, "no offers: backends [aws] excludes the local backend")]);

        Assert.Equal("no offers: backends [aws] excludes the local backend", OfferSummary.Of(search, []).Text);
    }

    [Fact]
    public void Of_MalformedConfig_NamedWhenNothingIsOffered()
    {
        var problem = new Diagnostic(DiagnosticCodes.HostsConfigInvalid, DiagnosticSeverity.Warning, "`ssh_hosts` is not a list", SourceSpan.FileStart, "config.yml");
        var leftOut = new OfferSearch(new Requirements(), [Backend("local", Local("gpu: needs 1xH100, the machine has no GPU"))], []);
        var offered = new OfferSearch(new Requirements(), [Backend("local", Local())], []);

        Assert.Equal($"no offers: gpu: needs 1xH100, the machine has no GPU; config.yml: {DiagnosticCodes.HostsConfigInvalid} `ssh_hosts` is not a list", OfferSummary.Of(leftOut, [problem]).Text);
        Assert.Equal("1 offer: local, free", OfferSummary.Of(offered, [problem]).Text);
    }

    [Theory]
    [InlineData(1, "fix 1 error to see offers")]
    [InlineData(3, "fix 3 errors to see offers")]
    public void FixErrorsFirst_CountsErrors(int errors, string expected) => Assert.Equal(expected, OfferSummary.FixErrorsFirst(errors));

    private static OfferSummary Summary(params BackendOffers[] backends) => OfferSummary.Of(new OfferSearch(new Requirements(), backends, []), []);

    private static BackendOffers Backend(string name, params OfferCandidate[] candidates) => new(name, candidates, []);

    private static OfferCandidate Local(params string[] unmet) => new(Offer("local", "local", 0m), unmet);

    private static OfferCandidate Candidate(string backend, decimal price, params string[] unmet) => new(Offer(backend, "box", price), unmet);

    private static OfferCandidate Named(string host) => new(Offer("ssh", host, 0m), []);

    private static Offer Offer(string backend, string instance, decimal price) => new(backend, backend, instance, TestMachines.NoGpu, Spot: false, PricePerHour: price);
}
