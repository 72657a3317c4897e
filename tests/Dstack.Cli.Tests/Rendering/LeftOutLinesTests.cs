using Dstack.Cli.Rendering;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Resources;

namespace Dstack.Cli.Tests.Rendering;

[Trait("Category", "Fast")]
public sealed class LeftOutLinesTests
{
    private static readonly MachineResources NoGpu = new(2, new Memory(8), new Memory(100), []);

    [Fact]
    public void ManyTypesRegionsAndMarkets_AreOneLinePerReason_FewestReasonsFirst_InTheBackendsOrder_ThenHowManyMore()
    {
        var regions = new[] { "us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-northeast-1" };
        var candidates = new List<OfferCandidate>();
        // In the backend's order: its near miss first, then the cheapest of the others.
        foreach (var region in regions)
        {
            candidates.Add(Left(region, "p4d.24xlarge", 21.96m, "gpu: needs exactly 1xA100, and all 8 go to the job; ask for 8 (or a range such as 1..8)"));
            candidates.Add(Left(region, "t3.large", 0.03m, "gpu: needs 1xA100, the machine has no GPU", "spot_policy: the default (on-demand) takes on-demand instances only"));
            candidates.Add(Left(region, "t3.large", 0.08m, "gpu: needs 1xA100, the machine has no GPU"));
        }

        candidates.Add(Left("us-east-1", "m5.xlarge", 0.19m, "gpu: needs 1xA100, the machine has no GPU"));
        var search = new OfferSearch(new Requirements(), [new BackendOffers("aws", candidates, [])], []);

        var lines = LeftOutLines.Of(search, limit: 2);

        Assert.Equal(
        [
            " left out: p4d.24xlarge (aws in us-east-1, us-west-2, eu-west-1 and 2 more regions): gpu: needs exactly 1xA100, and all 8 go to the job; ask for 8 (or a range such as 1..8)",
            " left out: t3.large, m5.xlarge (aws in us-east-1, us-west-2, eu-west-1 and 2 more regions): gpu: needs 1xA100, the machine has no GPU",
            " ... and 5 more left out for another reason (dstack offer --json lists each with why)",
        ], lines);
    }

    [Fact]
    public void AMachineWhoseRegionIsItsBackend_IsNamedWithoutARegion_AndAllFitUnderTheLimit()
    {
        var local = new OfferCandidate(new Offer("local", "local", "local", NoGpu, false, 0m), ["gpu: needs 1xH100, the machine has no GPU"]);
        var search = new OfferSearch(new Requirements(), [new BackendOffers("local", [local], [])], []);

        Assert.Equal([" left out: local (local): gpu: needs 1xH100, the machine has no GPU"], LeftOutLines.Of(search, limit: 5));
    }

    private static OfferCandidate Left(string region, string instance, decimal price, params string[] unmet) =>
        new(new Offer("aws", region, instance, NoGpu, false, price), unmet);
}
