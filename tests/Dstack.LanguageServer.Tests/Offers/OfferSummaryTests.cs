using Dstack.LanguageServer.Offers;
using Dstack.LanguageServer.Tests.Support;
using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Model;

namespace Dstack.LanguageServer.Tests.Offers;

/// <summary>The offers lens's line, over one or several backends.</summary>
[Trait("Category", "Fast")]
public sealed class OfferSummaryTests
{
    [Fact]
    public void Text_SeveralOffers_CountAndEachCheapestFirst()
    {
        var summary = new OfferSummary([Candidate("ssh", 0.42m), Candidate("local", 0m), Candidate("aws", 1.5m, "gpu: too small")]);

        Assert.Equal("2 offers: local, free · box (ssh), $0.42/h", summary.Text);
        Assert.Equal(["ssh", "local"], summary.Offers.Select(o => o.Backend));
    }

    [Theory]
    [InlineData(0.0, "1 offer: box (ssh), free")]
    [InlineData(0.42, "1 offer: box (ssh), $0.42/h")]
    [InlineData(1.2345, "1 offer: box (ssh), $1.2345/h")]
    public void Text_OneOffer_BackendAndPrice(double price, string expected) =>
        Assert.Equal(expected, new OfferSummary([Candidate("ssh", (decimal)price)]).Text);

    [Fact]
    public void Text_NoOfferFromSeveralBackends_EachSaysWhy()
    {
        var summary = new OfferSummary([Candidate("local", 0m, "gpu: needs 1xH100, the machine has no GPU"), Candidate("ssh", 0m, "memory: needs 64GB.., the machine has 16GB", "disk: too small")]);

        Assert.Equal("no offers: local: gpu: needs 1xH100, the machine has no GPU; box (ssh): memory: needs 64GB.., the machine has 16GB", summary.Text);
    }

    [Fact]
    public void Text_ManyOffers_NamesTheCheapestThreeAndCountsTheRest()
    {
        var summary = new OfferSummary([Candidate("aws", 2m), Candidate("local", 0m), Named("gpu1"), Named("gpu2"), Candidate("aws", 1m)]);

        Assert.Equal("5 offers: local, free · gpu1 (ssh), free · gpu2 (ssh), free · 2 more", summary.Text);
    }

    [Fact]
    public void Text_NoBackend_SaysSo() => Assert.Equal("no offers: no backend is configured", new OfferSummary([]).Text);

    [Theory]
    [InlineData(1, "fix 1 error to see offers")]
    [InlineData(3, "fix 3 errors to see offers")]
    public void FixErrorsFirst_CountsErrors(int errors, string expected) => Assert.Equal(expected, OfferSummary.FixErrorsFirst(errors));

    [Theory]
    [InlineData("backends: [aws]\n", "backends: [aws] leaves out local")]
    [InlineData("regions: [eu-west-1]\n", "regions: [eu-west-1] leaves out this machine (its region is local)")]
    [InlineData("instance_types: [p4d.24xlarge]\n", "instance_types: [p4d.24xlarge] leaves out this machine (its instance type is local)")]
    [InlineData("resources:\n  memory: 64GB..\n", "memory: needs 64GB.., the machine has 32GB")]
    public void LocalOfferSource_FiltersOfTheConfiguration_AreUnmet(string rest, string unmet)
    {
        var configuration = ConfigurationLoader.LoadText("t.dstack.yml", "type: task\ncommands: [a]\n" + rest).RunConfiguration!;

        var candidate = Assert.Single(TestMachines.Catalog(TestMachines.NoGpu).Summarize(configuration).Candidates);

        Assert.Equal([unmet], candidate.Unmet);
    }

    [Fact]
    public void Summarize_TwoSources_BothAsked()
    {
        var catalog = new OfferCatalog([.. TestMachines.Catalog(TestMachines.NoGpu).Sources, new FixedSource(Candidate("ssh", 0.5m))]);
        var configuration = ConfigurationLoader.LoadText("t.dstack.yml", "type: task\ncommands: [a]\n").RunConfiguration!;

        Assert.Equal("2 offers: local, free · box (ssh), $0.50/h", catalog.Summarize(configuration).Text);
    }

    private static OfferCandidate Candidate(string backend, decimal price, params string[] unmet) =>
        new(backend, "box", price, TestMachines.NoGpu, unmet);

    private static OfferCandidate Named(string host) => new("ssh", host, 0m, TestMachines.NoGpu, []);

    private sealed class FixedSource(OfferCandidate candidate) : IOfferSource
    {
        public IReadOnlyList<OfferCandidate> Candidates(RunConfiguration configuration) => [candidate];
    }
}
