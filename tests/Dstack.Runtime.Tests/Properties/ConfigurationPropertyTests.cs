using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Json;
using FsCheck;
using FsCheck.Fluent;

namespace Dstack.Runtime.Tests.Properties;

/// <summary>Whole configurations built from generated parts load valid, keep their values, and normalize the same way twice.</summary>
[Trait("Category", "Fast")]
public sealed class ConfigurationPropertyTests
{
    [Fact]
    public void LoadText_GeneratedConfiguration_IsValidAndNormalizesStably() =>
        Check.One(ResourceRoundTripPropertyTests.Cases, Prop.ForAll(ConfigurationGenerators.RunConfiguration.ToArbitrary(), generated =>
        {
            var first = ConfigurationLoader.LoadText("generated.dstack.yml", generated.Text);
            Assert.True(first.IsValid, string.Join('\n', first.Diagnostics));
            var run = first.RunConfiguration;
            Assert.NotNull(run);
            Assert.Equal(generated.Cpu, run.Resources.Cpu);
            Assert.Equal(generated.Memory, run.Resources.Memory);
            Assert.Equal(generated.Gpu?.Count, run.Resources.Gpu?.Count);
            Assert.Equal(generated.Gpu?.Memory, run.Resources.Gpu?.Memory);

            var second = ConfigurationLoader.LoadText("generated.dstack.yml", generated.Text);
            Assert.Equal(NormalizedJson.Serialize(run), NormalizedJson.Serialize(second.Model!));
        }));
}
