using Dstack.Runtime.Backends.Cloud;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Tests.Backends.Cloud;

/// <summary>The dated catalog file every cloud ships: its comments, date, source and header, and each field's rule with the file and line.</summary>
[Trait("Category", "Fast")]
public sealed class CloudCatalogReaderTests
{
    private const string Header = "instance,location,price,spot_price,cpu,memory_gb";

    private const string Head = "# a catalog\n# date: 2026-12-04\n# source: a page\n#   and another\n# columns: not the source\n" + Header + "\n";

    [Fact]
    public void Read_CommentsDateSourceAndRows()
    {
        var catalog = Read(Head + "m.large,r-1,0.5,0.2,2,8\n\nm.xlarge,r-1,1,0.4,4,16\n");

        Assert.Equal(new DateOnly(2026, 12, 4), catalog.Date);
        Assert.Equal("a page and another", catalog.Source);
        Assert.Equal(["m.large", "m.xlarge"], catalog.Rows.Select(r => r.Instance));
        Assert.Equal((1m, 0.4m, 4, 16.0), (catalog.Rows[1].Price, catalog.Rows[1].SpotPrice, catalog.Rows[1].Cpus, catalog.Rows[1].MemoryGb));
        Assert.Same(catalog.Rows[0].Region, catalog.Rows[1].Region);
    }

    [Theory]
    [InlineData("m.large,r-1,cheap,0.2,2,8", "test.csv:7: price must be dollars per hour, such as 1.006, not `cheap`")]
    [InlineData("m.large,r-1,0.5,0.2,2.5,8", "test.csv:7: cpu must be a whole number, not `2.5`")]
    [InlineData("m.large,r-1,0.5,0.2,2,-8", "test.csv:7: memory_gb must be a size in GB, such as 24, not `-8`")]
    [InlineData("m large,r-1,0.5,0.2,2,8", "test.csv:7: instance must be a name without spaces or quotes")]
    [InlineData("m.large,\"r-1\",0.5,0.2,2,8", "test.csv:7: location must be a name without spaces or quotes")]
    [InlineData("m.large,r-1,0.5,0.2,2", "test.csv:7: a row has 6 fields (" + Header + ")")]
    [InlineData("m.large,r-1,0.5,0.2,2,8,9", "test.csv:7: a row has 6 fields")]
    [InlineData("m.large,r-1,0.5,0,2,8", "test.csv:7: cpu, memory_gb, price and spot_price must be above 0")]
    public void Read_BadRow_NamesFileLineAndRule(string row, string message)
    {
        var error = Assert.Throws<FormatException>(() => Read(Head + row + "\n", "test.csv"));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WithoutAFile_NamesTheLine_AndCrLfCountsOnce()
    {
        var text = (Head + "m.large,r-1,0.5,0.2,2,8\nm.xlarge,r-1,one,0.4,4,16\n").Replace("\n", "\r\n", StringComparison.Ordinal);

        var error = Assert.Throws<FormatException>(() => Read(text));

        Assert.Equal("line 8: price must be dollars per hour, such as 1.006, not `one`", error.Message);
    }

    [Theory]
    [InlineData("# date: 4.12.2026\n# source: x\n" + Header + "\n", "test.csv:1: the date must be YYYY-MM-DD")]
    [InlineData("# date: 2026-12-04\n# source: x\ninstance,location\n", "test.csv:3: the header must be `" + Header + "`")]
    [InlineData("# date: 2026-12-04\n# source: x\n", "test.csv: the catalog has no header `" + Header + "`")]
    [InlineData("# source: x\n" + Header + "\n", "test.csv: the catalog's header comments have no `# date: YYYY-MM-DD` line")]
    [InlineData("# date: 2026-12-04\n" + Header + "\n", "test.csv: the catalog's header comments have no `# source:` line")]
    public void Read_BadFile_NamesTheFile(string text, string message)
    {
        Assert.Equal(message, Assert.Throws<FormatException>(() => Read(text, "test.csv")).Message);
    }

    [Fact]
    public void Number_IsThePlainRule_AndTheCloudsOwnRulesFailAtTheLine()
    {
        var plain = Assert.Throws<FormatException>(() => CloudCatalogReader.Read(Head + "m.large,r-1,x,0.2,2,8\n", Header, line => Row(line.Text("instance"), line.Number<decimal>("price"))));
        var own = Assert.Throws<FormatException>(() => CloudCatalogReader.Read<TestRow>(Head + "m.large,r-1,0.5,0.2,2,8\n", Header, line => throw line.Fail("a rule of the cloud's own"), "own.csv"));

        Assert.Equal("line 7: price must be a number, not `x`", plain.Message);
        Assert.Equal("own.csv:7: a rule of the cloud's own", own.Message);
    }

    [Fact]
    public void ReadShipped_NamesAMissingResource()
    {
        var error = Assert.Throws<InvalidOperationException>(() => CloudCatalogReader.ReadShipped(typeof(CloudCatalogReaderTests), "none.csv", Header, ReadRow));

        Assert.Contains("Dstack.Runtime.Tests.Backends.Cloud.Catalog.none.csv", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GpusOf_AreAlike_WithTheComputeCapabilityDstackKnows()
    {
        var gpus = CloudCatalogRow.GpusOf(2, "A100", GpuVendor.Nvidia, 80);

        Assert.Equal(2, gpus.Length);
        Assert.All(gpus, g => Assert.Equal(("A100", 80.0, GpuVendor.Nvidia), (g.Name, g.Memory.Gigabytes, g.Vendor)));
        Assert.NotNull(gpus[0].ComputeCapability);
    }

    private static CloudCatalog<TestRow> Read(string text, string? file = null) => CloudCatalogReader.Read(text, Header, ReadRow, file);

    private static TestRow ReadRow(CloudCatalogLine line)
    {
        var instance = line.Name("instance");
        var region = line.Name("location");
        var price = line.Money("price");
        var spot = line.Money("spot_price");
        var cpus = line.Count("cpu");
        var memory = line.Size("memory_gb");
        line.RequireAboveZero(cpus, memory, price, spot);
        return new TestRow(instance, region, price, spot, cpus, memory, []);
    }

    private static TestRow Row(string instance, decimal price) => new(instance, "r-1", price, price / 2, 2, 8, []);
}
