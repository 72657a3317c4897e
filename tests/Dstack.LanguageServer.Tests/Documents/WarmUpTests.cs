using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Tests.Support;
using Dstack.Runtime.Configuration;

namespace Dstack.LanguageServer.Tests.Documents;

/// <summary>The warm-up's samples still cover what they are there to cover, and the warm-up ends.</summary>
[Trait("Category", "Fast")]
public sealed class WarmUpTests
{
    [Fact]
    public void Samples_TheCleanOnesAreCleanAndTheBrokenOneBreaksManyRules()
    {
        var checkedSamples = WarmUp.Samples.Select(s => (s.Path, ConfigurationLoader.LoadText(s.Path, s.Text))).ToList();

        Assert.All(checkedSamples.Where(s => !s.Path.Contains("broken", StringComparison.Ordinal)), s => Assert.Empty(s.Item2.Diagnostics));
        var broken = checkedSamples.Single(s => s.Path.Contains("broken", StringComparison.Ordinal)).Item2;
        Assert.True(broken.Diagnostics.Select(d => d.Code).Distinct().Count() >= 6, string.Join("\n", broken.Diagnostics));
    }

    [Fact]
    public async Task StartAsync_Ends()
    {
        await WarmUp.StartAsync().WaitAsync(Bounded.Limit);
    }
}
