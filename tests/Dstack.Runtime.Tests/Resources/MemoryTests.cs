using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Tests.Resources;

[Trait("Category", "Fast")]
public sealed class MemoryTests
{
    [Theory]
    [InlineData("16GB", 16.0)]
    [InlineData("16gb", 16.0)]
    [InlineData("16Gb", 16.0)]
    [InlineData("16gB", 16.0)]
    [InlineData("512MB", 0.5)]
    [InlineData("100MB", 0.09765625)]
    [InlineData("1024MB", 1.0)]
    [InlineData("1TB", 1024.0)]
    [InlineData("2tb", 2048.0)]
    [InlineData("0.5TB", 512.0)]
    [InlineData("1.5GB", 1.5)]
    [InlineData(".5GB", 0.5)]
    [InlineData("1e3GB", 1000.0)]
    [InlineData("1E3GB", 1000.0)]
    [InlineData("16", 16.0)]
    [InlineData("0", 0.0)]
    [InlineData("0GB", 0.0)]
    [InlineData("16 GB", 16.0)]
    [InlineData(" 16GB ", 16.0)]
    [InlineData("1 6 G B", 16.0)]
    [InlineData("\t16GB", 16.0)]
    [InlineData("8MB", 0.0078125)]
    public void Parse_ValidSize_GivesBinaryGigabytes(string text, double expected)
    {
        Assert.Equal(expected, Memory.Parse(text).Gigabytes);
    }

    [Theory]
    [InlineData("16G", "could not convert string to float: '16g'")]
    [InlineData("16GiB", "could not convert string to float: '16gib'")]
    [InlineData("GB", "could not convert string to float: ''")]
    [InlineData("16KB", "could not convert string to float: '16kb'")]
    [InlineData("16M", "could not convert string to float: '16m'")]
    [InlineData("16 G", "could not convert string to float: '16g'")]
    [InlineData("abc", "could not convert string to float: 'abc'")]
    [InlineData("", "could not convert string to float: ''")]
    [InlineData("1,5GB", "could not convert string to float: '1,5'")]
    [InlineData("16GB..32GB", "could not convert string to float: '16gb..32'")]
    public void Parse_NotASize_ReportsPythonFloatError(string text, string dstackMessage)
    {
        var error = Assert.Throws<ValueException>(() => Memory.Parse(text));

        Assert.Equal(DiagnosticCodes.InvalidMemory, error.Issue.Code);
        Assert.Equal(DiagnosticSeverity.Error, error.Issue.Severity);
        Assert.Contains(dstackMessage, error.Issue.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("16G", "write 16GB")]
    [InlineData("16GiB", "write 16GB")]
    [InlineData("512M", "write 512MB")]
    [InlineData("2T", "write 2TB")]
    [InlineData("2048KB", "kilobytes are not supported")]
    public void Parse_CommonUnitMistake_SuggestsTheFix(string text, string hint)
    {
        var error = Assert.Throws<ValueException>(() => Memory.Parse(text));

        Assert.Contains(hint, error.Issue.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(".kb", "kilobytes are not supported: write the size in MB, for example 1MB")]
    [InlineData("1.2.3kb", "kilobytes are not supported: write the size in MB, for example 1MB")]
    [InlineData("1.2.3G", "write 1.2.3GB")]
    [InlineData("80PB", "write a number followed by MB, GB or TB")]
    public void Parse_OddNumberOrUnsupportedUnit_IsAValueErrorWithoutAGuessedFix(string text, string hint)
    {
        // `.kb` once crashed the whole check (double.Parse); `80PB` once got the "fix" 80GB, a millionfold smaller.
        var error = Assert.Throws<ValueException>(() => Memory.Parse(text));

        Assert.Contains(hint, error.Issue.Message, StringComparison.Ordinal);
        Assert.Null(error.Issue.Fix);
    }

    // DESIGN.md: dstack accepts these through Python's float(); we reject them with a hint.
    [Theory]
    [InlineData("-1GB", "negative size")]
    [InlineData("-1", "negative size")]
    [InlineData("-512MB", "negative size")]
    [InlineData("infGB", "not a finite size")]
    [InlineData("inf", "not a finite size")]
    [InlineData("-inf", "not a finite size")]
    [InlineData("nanGB", "not a finite size")]
    [InlineData("NaN", "not a finite size")]
    [InlineData("1e999GB", "not a finite size")]
    public void Parse_PythonCoercionAccident_IsSuspiciousNumber(string text, string reason)
    {
        var error = Assert.Throws<ValueException>(() => Memory.Parse(text));

        Assert.Equal(DiagnosticCodes.SuspiciousNumber, error.Issue.Code);
        Assert.Contains(reason, error.Issue.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(16.0, "16GB")]
    [InlineData(0.5, "0.5GB")]
    [InlineData(1024.0, "1024GB")]
    [InlineData(0.09765625, "0.09765625GB")]
    [InlineData(100.0, "100GB")]
    [InlineData(1.5, "1.5GB")]
    [InlineData(0.0, "0GB")]
    public void ToString_Size_IsDstackDisplay(double gigabytes, string expected)
    {
        Assert.Equal(expected, new Memory(gigabytes).ToString());
    }

    [Theory]
    [InlineData("16GB")]
    [InlineData("512MB")]
    [InlineData("100MB")]
    [InlineData("1TB")]
    [InlineData("1.25GB")]
    public void ToString_ParsedSize_ReadsBackAsTheSameSize(string text)
    {
        var size = Memory.Parse(text);

        Assert.Equal(size, Memory.Parse(size.ToString()));
    }

    [Theory]
    [InlineData(16.0)]
    [InlineData(0.0)]
    [InlineData(0.5)]
    public void FromNumber_NonNegativeNumber_IsGigabytes(double gigabytes)
    {
        Assert.Equal(gigabytes, Memory.FromNumber(gigabytes, "x").Gigabytes);
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void FromNumber_NegativeOrNotFinite_IsSuspiciousNumber(double gigabytes)
    {
        var error = Assert.Throws<ValueException>(() => Memory.FromNumber(gigabytes, "x"));

        Assert.Equal(DiagnosticCodes.SuspiciousNumber, error.Issue.Code);
    }

    [Fact]
    public void CompareTo_Sizes_OrderByGigabytes()
    {
        Assert.True(Memory.Parse("512MB") < Memory.Parse("1GB"));
        Assert.True(Memory.Parse("1TB") > Memory.Parse("1000GB"));
        Assert.True(Memory.Parse("1024GB") >= Memory.Parse("1TB"));
        Assert.Equal(0, Memory.Parse("1TB").CompareTo(Memory.Parse("1024GB")));
    }
}
