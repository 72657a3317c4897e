using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Tests.Resources;

[Trait("Category", "Fast")]
public sealed class RangeParserTests
{
    [Theory]
    [InlineData("4", 4, 4)]
    [InlineData(" 4 ", 4, 4)]
    [InlineData("0", 0, 0)]
    [InlineData("1..4", 1, 4)]
    [InlineData("1 .. 4", 1, 4)]
    [InlineData("2..", 2, null)]
    [InlineData("..8", null, 8)]
    [InlineData("0..", 0, null)]
    [InlineData("3..3", 3, 3)]
    [InlineData("1_000", 1000, 1000)]
    public void ParseCount_ValidText_GivesBounds(string text, int? min, int? max)
    {
        var range = RangeParser.ParseCount(text);

        Assert.Equal(min, range.Min);
        Assert.Equal(max, range.Max);
    }

    [Theory]
    [InlineData("1.5", DiagnosticCodes.InvalidInteger, "value is not a valid integer")]
    [InlineData("", DiagnosticCodes.InvalidInteger, "value is not a valid integer")]
    [InlineData("abc", DiagnosticCodes.InvalidInteger, "value is not a valid integer")]
    [InlineData("1...3", DiagnosticCodes.InvalidInteger, "value is not a valid integer")]
    [InlineData("1..x", DiagnosticCodes.InvalidInteger, "value is not a valid integer")]
    [InlineData("..", DiagnosticCodes.InvalidRange, "Invalid empty range: ..")]
    [InlineData(" .. ", DiagnosticCodes.InvalidRange, "Invalid empty range: ..")]
    [InlineData("3..1", DiagnosticCodes.InvalidRangeOrder, "Invalid range order: 3..1")]
    [InlineData("10..2", DiagnosticCodes.InvalidRangeOrder, "Invalid range order: 10..2")]
    [InlineData("1..2..3", DiagnosticCodes.InvalidRange, "too many values to unpack (expected 2)")]
    [InlineData("....", DiagnosticCodes.InvalidRange, "too many values to unpack (expected 2)")]
    public void ParseCount_InvalidText_ReportsDstackError(string text, string code, string dstackMessage)
    {
        var error = Assert.Throws<ValueException>(() => RangeParser.ParseCount(text));

        Assert.Equal(code, error.Issue.Code);
        Assert.Contains(dstackMessage, error.Issue.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.5", "write 1 or 2")]
    [InlineData("3..1", "write 1..3")]
    [InlineData("..", "give at least one bound")]
    public void ParseCount_InvalidText_MessageHasAFix(string text, string hint)
    {
        var error = Assert.Throws<ValueException>(() => RangeParser.ParseCount(text));

        Assert.Contains(hint, error.Issue.Message, StringComparison.Ordinal);
    }

    // dstack accepts "-1" (no sign check); we treat a negative count as a coercion accident.
    [Theory]
    [InlineData("-1")]
    [InlineData("-1..2")]
    [InlineData("..-3")]
    public void ParseCount_NegativeCount_IsSuspiciousNumber(string text)
    {
        var error = Assert.Throws<ValueException>(() => RangeParser.ParseCount(text));

        Assert.Equal(DiagnosticCodes.SuspiciousNumber, error.Issue.Code);
        Assert.Contains("negative count", error.Issue.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("16GB", 16.0, 16.0)]
    [InlineData("8GB..", 8.0, null)]
    [InlineData("..80GB", null, 80.0)]
    [InlineData("24GB..40GB", 24.0, 40.0)]
    [InlineData("24GB .. 40GB", 24.0, 40.0)]
    [InlineData("16GB..32", 16.0, 32.0)]
    [InlineData("512MB..1GB", 0.5, 1.0)]
    [InlineData("1TB..", 1024.0, null)]
    [InlineData("100", 100.0, 100.0)]
    [InlineData("0.5TB..1TB", 512.0, 1024.0)]
    [InlineData("1GB..1024MB", 1.0, 1.0)]
    public void ParseMemory_ValidText_GivesBoundsInGigabytes(string text, double? min, double? max)
    {
        var range = RangeParser.ParseMemory(text);

        Assert.Equal(min, range.Min?.Gigabytes);
        Assert.Equal(max, range.Max?.Gigabytes);
    }

    [Theory]
    [InlineData("80GB..40GB", DiagnosticCodes.InvalidRangeOrder, "Invalid range order: 80GB..40GB")]
    [InlineData("1TB..512GB", DiagnosticCodes.InvalidRangeOrder, "Invalid range order: 1024GB..512GB")]
    [InlineData("2GB..1024MB", DiagnosticCodes.InvalidRangeOrder, "Invalid range order: 2GB..1GB")]
    [InlineData("..", DiagnosticCodes.InvalidRange, "Invalid empty range: ..")]
    [InlineData("16G", DiagnosticCodes.InvalidMemory, "could not convert string to float: '16g'")]
    [InlineData("8GB..16G", DiagnosticCodes.InvalidMemory, "could not convert string to float: '16g'")]
    [InlineData("x..8GB", DiagnosticCodes.InvalidMemory, "could not convert string to float: 'x'")]
    [InlineData("1GB..2GB..3GB", DiagnosticCodes.InvalidRange, "too many values to unpack (expected 2)")]
    [InlineData("-1GB..", DiagnosticCodes.SuspiciousNumber, "negative size")]
    [InlineData("..infGB", DiagnosticCodes.SuspiciousNumber, "not a finite size")]
    public void ParseMemory_InvalidText_ReportsDstackError(string text, string code, string dstackMessage)
    {
        var error = Assert.Throws<ValueException>(() => RangeParser.ParseMemory(text));

        Assert.Equal(code, error.Issue.Code);
        Assert.Contains(dstackMessage, error.Issue.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8GB..16XB", 5, 4)]
    [InlineData("xGB..16GB", 0, 3)]
    [InlineData("1..2x", 3, 2)]
    public void Parse_BadBound_PointsAtThatBound(string text, int offset, int length)
    {
        var error = text.Contains("GB", StringComparison.Ordinal)
            ? Assert.Throws<ValueException>(() => RangeParser.ParseMemory(text))
            : Assert.Throws<ValueException>(() => RangeParser.ParseCount(text));

        Assert.Equal(offset, error.Issue.Offset);
        Assert.Equal(length, error.Issue.Length);
    }

    [Fact]
    public void Parse_BadBoundWithSpaces_PointsAtTheWholeValue()
    {
        var error = Assert.Throws<ValueException>(() => RangeParser.ParseMemory("8GB .. 16XB"));

        Assert.Equal(-1, error.Issue.Offset);
    }

    [Fact]
    public void Parse_BadExactValue_PointsAtTheWholeValue()
    {
        var error = Assert.Throws<ValueException>(() => RangeParser.ParseMemory("16XB"));

        Assert.Equal(-1, error.Issue.Offset);
    }

    [Fact]
    public void Checked_BothBoundsNull_IsEmptyRange()
    {
        var error = Assert.Throws<ValueException>(() => RangeParser.Checked(new Range<int>(null, null), "{}"));

        Assert.Equal(DiagnosticCodes.InvalidRange, error.Issue.Code);
        Assert.Contains("Invalid empty range: ..", error.Issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Checked_MinAboveMax_IsRangeOrderError()
    {
        var error = Assert.Throws<ValueException>(() => RangeParser.Checked(new Range<Memory>(new Memory(80), new Memory(40)), "{min: 80, max: 40}"));

        Assert.Equal(DiagnosticCodes.InvalidRangeOrder, error.Issue.Code);
        Assert.Contains("Invalid range order: 80GB..40GB", error.Issue.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("4", "4")]
    [InlineData("2..", "2..")]
    [InlineData("..8", "..8")]
    [InlineData("1..4", "1..4")]
    [InlineData("3..3", "3")]
    public void ToString_CountRange_IsDstackDisplay(string text, string expected)
    {
        Assert.Equal(expected, RangeParser.ParseCount(text).ToString());
    }

    [Theory]
    [InlineData("16GB", "16GB")]
    [InlineData("8GB..", "8GB..")]
    [InlineData("..80GB", "..80GB")]
    [InlineData("24GB..40GB", "24GB..40GB")]
    [InlineData("512MB..1TB", "0.5GB..1024GB")]
    public void ToString_MemoryRange_IsDstackDisplay(string text, string expected)
    {
        Assert.Equal(expected, RangeParser.ParseMemory(text).ToString());
    }

    // reference §1.2, intersection table (dstack's test_resources.py): symmetric.
    [Theory]
    [InlineData("1..2", "3..4", null)]
    [InlineData("1..2", "2..3", "2..2")]
    [InlineData("1..2", "1..2", "1..2")]
    [InlineData("1..3", "2..4", "2..3")]
    [InlineData("1..4", "2..3", "2..3")]
    [InlineData("..1", "2..", null)]
    [InlineData("..1", "1..", "1..1")]
    [InlineData("..2", "1..", "1..2")]
    [InlineData("..1", "..2", "..1")]
    [InlineData("1..", "2..", "2..")]
    [InlineData("1..", "..2", "1..2")]
    public void Intersect_DstackTable_GivesTheOverlapBothWays(string first, string second, string? expected)
    {
        var a = RangeParser.ParseCount(first);
        var b = RangeParser.ParseCount(second);
        var want = expected is null ? null : RangeParser.ParseCount(expected);

        Assert.Equal(want, a.Intersect(b));
        Assert.Equal(want, b.Intersect(a));
    }

    [Theory]
    [InlineData("100GB..", "50GB..2TB", "100GB..2TB")]
    [InlineData("500GB", "50GB..16TB", "500GB")]
    [InlineData("100GB..200GB", "300GB..", null)]
    public void Intersect_DiskSizes_GivesTheOverlap(string requested, string backend, string? expected)
    {
        var result = RangeParser.ParseMemory(requested).Intersect(RangeParser.ParseMemory(backend));

        Assert.Equal(expected is null ? null : RangeParser.ParseMemory(expected), result);
    }

    [Theory]
    [InlineData("1..4", 1, true)]
    [InlineData("1..4", 4, true)]
    [InlineData("1..4", 5, false)]
    [InlineData("2..", 100, true)]
    [InlineData("2..", 1, false)]
    [InlineData("..8", 0, true)]
    public void Contains_Bounds_AreInclusive(string text, int value, bool expected)
    {
        Assert.Equal(expected, RangeParser.ParseCount(text).Contains(value));
    }
}
