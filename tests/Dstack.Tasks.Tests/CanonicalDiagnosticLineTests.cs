using Dstack.Tasks;

namespace Dstack.Tasks.Tests;

[Trait("Category", "Fast")]
public sealed class CanonicalDiagnosticLineTests
{
    [Theory]
    [InlineData("bad.dstack.yml(5,11): error DSTK2003: Invalid range order", "bad.dstack.yml", 5, 11, 0, 0, CanonicalSeverity.Error, "DSTK2003", "Invalid range order")]
    [InlineData("my dir/warn (1).dstack.yml(5,8): warning DSTK2011: did you mean RTX4090?", "my dir/warn (1).dstack.yml", 5, 8, 0, 0, CanonicalSeverity.Warning, "DSTK2011", "did you mean RTX4090?")]
    [InlineData("a(1,2)b/c (3,4).yml(7,9): error DSTK1001: x", "a(1,2)b/c (3,4).yml", 7, 9, 0, 0, CanonicalSeverity.Error, "DSTK1001", "x")]
    [InlineData("/abs/t.dstack.yml(2,3,2,10): error DSTK2001: size", "/abs/t.dstack.yml", 2, 3, 2, 10, CanonicalSeverity.Error, "DSTK2001", "size")]
    [InlineData(@"C:\src\t.dstack.yml(1,1) : warning DSTK1017: old", @"C:\src\t.dstack.yml", 1, 1, 0, 0, CanonicalSeverity.Warning, "DSTK1017", "old")]
    [InlineData("t.dstack.yml(3,1): info DSTK2010: note: (1,2): error X1: y", "t.dstack.yml", 3, 1, 0, 0, CanonicalSeverity.Info, "DSTK2010", "note: (1,2): error X1: y")]
    [InlineData("dstack: error DSTK0001: no such file", null, 0, 0, 0, 0, CanonicalSeverity.Error, "DSTK0001", "no such file")]
    public void TryParse_DiagnosticLine_ReadsEveryPart(
        string text, string? file, int line, int column, int endLine, int endColumn, CanonicalSeverity severity, string code, string message)
    {
        Assert.True(CanonicalDiagnosticLine.TryParse(text, out var diagnostic));

        Assert.Equal(new CanonicalDiagnosticLine(file, line, column, endLine, endColumn, severity, code, message), diagnostic);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("Checking 3 files")]
    [InlineData("bad.dstack.yml(5,11): failed DSTK2003: not a severity")]
    [InlineData("bad.dstack.yml(5,x): error DSTK2003: not a number")]
    [InlineData("bad.dstack.yml(5,11): error: no code")]
    [InlineData("error DSTK2003: no origin")]
    public void TryParse_OtherLine_IsNotADiagnostic(string? text)
    {
        Assert.False(CanonicalDiagnosticLine.TryParse(text, out var diagnostic));
        Assert.Null(diagnostic);
    }
}
