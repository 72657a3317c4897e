using Dstack.Runtime.Resources;
using FsCheck;
using FsCheck.Fluent;

namespace Dstack.Runtime.Tests.Properties;

/// <summary>Formatting a resource value and parsing the text gives the same value back, for any generated value.</summary>
[Trait("Category", "Fast")]
public sealed class ResourceRoundTripPropertyTests
{
    internal static readonly Config Cases = Config.QuickThrowOnFailure.WithMaxTest(2_000).WithQuietOnSuccess(true);

    [Fact]
    public void Memory_ToStringThenParse_GivesSameSize() =>
        Check.One(Cases, Prop.ForAll(ResourceGenerators.Memory.ToArbitrary(), memory =>
            Assert.Equal(memory, Memory.Parse(memory.ToString()))));

    [Fact]
    public void CountRange_ToStringThenParse_GivesSameRange() =>
        Check.One(Cases, Prop.ForAll(ResourceGenerators.CountRange.ToArbitrary(), range =>
            Assert.Equal(range, RangeParser.ParseCount(range.ToString()))));

    [Fact]
    public void MemoryRange_ToStringThenParse_GivesSameRange() =>
        Check.One(Cases, Prop.ForAll(ResourceGenerators.MemoryRange.ToArbitrary(), range =>
            Assert.Equal(range, RangeParser.ParseMemory(range.ToString()))));

    [Fact]
    public void GpuSpec_ToSpecStringThenParse_GivesSameSpec() =>
        Check.One(Cases, Prop.ForAll(ResourceGenerators.GpuSpec.ToArbitrary(), spec =>
        {
            if (spec.ToSpecString() is { } text)
            {
                var parsed = GpuSpecParser.Parse(text);
                Assert.True(spec.Equals(parsed), $"`{text}` read back as {parsed.ToSpecString()}");
            }
        }));

    [Fact]
    public void GpuSpec_WithPlainCatalogNames_HasStringForm() =>
        Check.One(Cases, Prop.ForAll(ResourceGenerators.GpuSpec.Select(s => s with { Name = s.Name?.Where(n => GpuCatalog.Find(n) is not null).ToArray() is { Length: > 0 } known ? known : null }).ToArbitrary(), spec =>
            Assert.NotNull(spec.ToSpecString())));

    [Fact]
    public void GpuSpec_WithTotalMemory_HasNoStringForm() =>
        Check.One(Cases, Prop.ForAll(Gen.Zip(ResourceGenerators.GpuSpec, ResourceGenerators.MemoryRange).ToArbitrary(), pair =>
            Assert.Null((pair.Item1 with { TotalMemory = pair.Item2 }).ToSpecString())));
}
