using Dstack.Runtime.Runs;

namespace Dstack.Runtime.Tests.Runs;

[Trait("Category", "Fast")]
public sealed class CountWordsTests
{
    [Theory]
    [InlineData(0, "0 files")]
    [InlineData(1, "1 file")]
    [InlineData(2, "2 files")]
    [InlineData(1000, "1000 files")]
    public void Of_Count_HasTheNounInTheRightNumber(long count, string expected) =>
        Assert.Equal(expected, CountWords.Of(count, "file"));
}
