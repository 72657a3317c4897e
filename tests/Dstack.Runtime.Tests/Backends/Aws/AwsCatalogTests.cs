using System.Diagnostics;
using Dstack.Runtime.Backends.Aws;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Tests.Backends.Aws;

[Trait("Category", "Fast")]
public sealed class AwsCatalogTests
{
    private static readonly string[] MajorRegions = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-northeast-1"];

    private static readonly string[] GpuFamilies = ["p5", "p5e", "p4d", "p4de", "p3", "p3dn", "g6", "g6e", "gr6", "g5", "g4dn", "g4ad", "inf2", "trn1"];

    private static readonly string[] CpuFamilies = ["t3", "m5", "m6i", "c5", "c6i", "r5"];

    [Fact]
    public void Shipped_Loads_WithDateAndSource()
    {
        var catalog = AwsCatalog.Shipped;

        Assert.True(catalog.Rows.Count > 300);
        Assert.True(catalog.Date >= new DateOnly(2025, 6, 1));
        Assert.Contains("on-demand pricing", catalog.Source, StringComparison.Ordinal);
        Assert.Contains("instance type pages", catalog.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WholeFile_IsFast()
    {
        var text = ShippedText();
        AwsCatalog.Parse(text);

        var watch = Stopwatch.StartNew();
        var catalog = AwsCatalog.Parse(text);
        watch.Stop();

        Assert.Equal(AwsCatalog.Shipped.Rows.Count, catalog.Rows.Count);
        Assert.True(watch.ElapsedMilliseconds < 20, $"parsing took {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void Rows_AreWellFormed_AndUnique()
    {
        var rows = AwsCatalog.Shipped.Rows;

        Assert.All(rows, row =>
        {
            Assert.Matches("^[a-z0-9]+\\.[a-z0-9]+$", row.Instance);
            Assert.Contains(row.Region, MajorRegions);
            Assert.True(row.SpotPrice < row.Price, $"{row.Instance} {row.Region}: spot is not cheaper");
            Assert.True(row.Cpus >= 2 && row.MemoryGb >= 1 && row.DiskGb >= 0);
        });
        Assert.Equal(rows.Count, rows.Select(r => (r.Instance, r.Region)).Distinct().Count());
    }

    [Fact]
    public void GpuNames_AreKnownGpus_OfTheirVendorAndSize()
    {
        foreach (var row in AwsCatalog.Shipped.Rows.Where(r => r.GpuCount > 0))
        {
            if (row.AwsAccelerators)
            {
                Assert.Contains(row.GpuName, new[] { "Inferentia2", "Trainium" });
                Assert.Empty(row.Gpus);
                continue;
            }

            var known = GpuCatalog.Find(row.GpuName);
            Assert.True(known is not null, $"{row.Instance}: {row.GpuName} is not in the GPU table");
            Assert.Equal(known.Name, row.GpuName);
            Assert.Contains(row.GpuMemoryGb, known.MemoryOptions);
            Assert.Equal(row.GpuCount, row.Gpus.Count);
            Assert.All(row.Gpus, g => Assert.Equal(known.Vendor, g.Vendor));
        }
    }

    [Fact]
    public void Families_AreInTheirRegions()
    {
        var rows = AwsCatalog.Shipped.Rows;
        var byFamily = rows.GroupBy(r => r.Instance[..r.Instance.IndexOf('.', StringComparison.Ordinal)]).ToDictionary(g => g.Key, g => g.Select(r => r.Region).ToHashSet());

        foreach (var family in GpuFamilies)
        {
            Assert.True(byFamily.ContainsKey(family), $"{family} is missing");
        }

        foreach (var family in CpuFamilies.Concat(["g5", "g4dn", "p3"]))
        {
            Assert.All(MajorRegions, region => Assert.Contains(region, byFamily[family]));
        }

        Assert.Equal(["us-east-1", "us-west-2"], byFamily["p4de"].Order());
    }

    [Fact]
    public void Parse_BadRow_SaysWhichLine()
    {
        var text = $"# date: 2026-01-01\n# source: test\n{AwsCatalog.Header}\nm5.large,us-east-1,0.096,0.04,2,8,0,,0,,0\nm5.xlarge,us-east-1,cheap,0.08,4,16,0,,0,,0\n";

        var error = Assert.Throws<FormatException>(() => AwsCatalog.Parse(text));

        Assert.StartsWith("line 5: price", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("g5.xlarge,us-east-1,1.006,0.35,4,16,1,A10G,0,nvidia,250")]
    [InlineData("g5.xlarge,us-east-1,1.006,0.35,4,16,1,A10G,24,intel,250")]
    [InlineData("g5.xlarge,us-east-1,1.006,0.35,4,16,1,A10G,24,nvidia")]
    [InlineData("g5 xlarge,us-east-1,1.006,0.35,4,16,1,A10G,24,nvidia,250")]
    public void Parse_MalformedRows_Throw(string row)
    {
        Assert.Throws<FormatException>(() => AwsCatalog.Parse($"# date: 2026-01-01\n# source: test\n{AwsCatalog.Header}\n{row}\n"));
    }

    private static string ShippedText() =>
        File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "Dstack.Runtime", "Backends", "Aws", "Catalog", "ec2-catalog.csv"));
}
