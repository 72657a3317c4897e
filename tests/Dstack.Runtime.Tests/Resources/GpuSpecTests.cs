using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Tests.Resources;

[Trait("Category", "Fast")]
public sealed class GpuSpecTests
{
    [Fact]
    public void ToSpecString_NameWithTpuPrefix_IsNullBecauseTheParserStripsThePrefix()
    {
        var spec = new GpuSpec { Name = ["tpu-v3-8"] };

        Assert.Null(spec.ToSpecString());
    }

    [Theory]
    [InlineData("A100:80GB:2")]
    [InlineData("nvidia:A10G,A100:24GB..40GB:1..")]
    [InlineData("tpu:v5litepod-8:..4")]
    public void ToSpecString_ParsedSpec_ReadsBackEqual(string text)
    {
        var spec = GpuSpecParser.Parse(text);

        Assert.Equal(spec, GpuSpecParser.Parse(spec.ToSpecString()!));
    }
}
