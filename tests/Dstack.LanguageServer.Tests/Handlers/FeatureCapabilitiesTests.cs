using Dstack.LanguageServer.Tests.Support;

namespace Dstack.LanguageServer.Tests.Handlers;

/// <summary>The initialize result announces hover, document symbols and formatting.</summary>
[Trait("Category", "Fast")]
public sealed class FeatureCapabilitiesTests
{
    [Theory]
    [InlineData("hoverProvider")]
    [InlineData("documentSymbolProvider")]
    [InlineData("documentFormattingProvider")]
    public async Task Initialize_Capabilities_AnnounceTheFeature(string capability)
    {
        var client = new TestClient();
        await using var _ = client;

        var result = await client.ResultAsync("initialize", new { processId = (int?)null, capabilities = new { } });

        Assert.True(result.GetProperty("capabilities").GetProperty(capability).GetBoolean());
    }
}
