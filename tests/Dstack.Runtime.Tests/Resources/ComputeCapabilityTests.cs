using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Tests.Resources;

[Trait("Category", "Fast")]
public sealed class ComputeCapabilityTests
{
    [Theory]
    [InlineData("8.0", 8, 0)]
    [InlineData("7.5", 7, 5)]
    [InlineData(" 8.6 ", 8, 6)]
    [InlineData("9.0", 9, 0)]
    [InlineData("7.1", 7, 1)]
    [InlineData("10.0", 10, 0)]
    [InlineData("12.0", 12, 0)]
    public void Parse_MajorDotMinor_GivesBothParts(string text, int major, int minor)
    {
        Assert.Equal(new ComputeCapability(major, minor), ComputeCapability.Parse(text));
    }

    [Theory]
    [InlineData("8", "Invalid compute capability: ['8']")]
    [InlineData("3.5.1", "Invalid compute capability: ['3', '5', '1']")]
    [InlineData("", "Invalid compute capability: ['']")]
    [InlineData("x.0", "invalid literal for int() with base 10: 'x'")]
    [InlineData("8.x", "invalid literal for int() with base 10: 'x'")]
    [InlineData("8.", "invalid literal for int() with base 10: ''")]
    public void Parse_Malformed_ReportsDstackMessage(string text, string dstackMessage)
    {
        var error = Assert.Throws<ValueException>(() => ComputeCapability.Parse(text));

        Assert.Equal(DiagnosticCodes.InvalidComputeCapability, error.Issue.Code);
        Assert.Contains(dstackMessage, error.Issue.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "8", "0" }, 8, 0)]
    [InlineData(new[] { "7", "5" }, 7, 5)]
    public void FromParts_TwoWholeParts_GivesTheCapability(string[] parts, int major, int minor)
    {
        Assert.Equal(new ComputeCapability(major, minor), ComputeCapability.FromParts(parts, "list"));
    }

    [Fact]
    public void FromParts_ThreeParts_ShowsTheSplitList()
    {
        var error = Assert.Throws<ValueException>(() => ComputeCapability.FromParts(["3", "5", "1"], "[3, 5, 1]"));

        Assert.Contains("Invalid compute capability: ['3', '5', '1']", error.Issue.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(8, 0, "8.0")]
    [InlineData(7, 5, "7.5")]
    [InlineData(10, 0, "10.0")]
    public void ToString_Capability_IsMajorDotMinor(int major, int minor, string expected)
    {
        Assert.Equal(expected, new ComputeCapability(major, minor).ToString());
    }

    [Theory]
    [InlineData("8.0", "7.5", 1)]
    [InlineData("7.5", "8.0", -1)]
    [InlineData("8.6", "8.6", 0)]
    [InlineData("10.0", "9.0", 1)]
    [InlineData("8.9", "9.0", -1)]
    public void CompareTo_Capabilities_OrderMajorThenMinor(string a, string b, int sign)
    {
        Assert.Equal(sign, Math.Sign(ComputeCapability.Parse(a).CompareTo(ComputeCapability.Parse(b))));
    }
}
