using Dstack.Cli.Runs;

namespace Dstack.Cli.Tests.Runs;

[Trait("Category", "Fast")]
public sealed class RunArgumentSplitterTests
{
    private static readonly (IReadOnlySet<string> Values, IReadOnlySet<string> Flags) Names = new RunOptions().Names();

    [Theory]
    [InlineData(new[] { ".", "-f", "a.yml", "-y" }, new[] { ".", "-f", "a.yml", "-y" }, new string[0])]
    [InlineData(new[] { "-y", "--epochs", "3" }, new[] { "-y" }, new[] { "--epochs", "3" })]
    [InlineData(new[] { "--epochs", "3", "-y" }, new[] { "-y" }, new[] { "--epochs", "3" })]
    [InlineData(new[] { ".", "-y", "--", "-y", "--prompt", "Dogs in hats" }, new[] { ".", "-y" }, new[] { "-y", "--prompt", "Dogs in hats" })]
    [InlineData(new[] { ".", "train", "fast" }, new[] { "." }, new[] { "train", "fast" })]
    [InlineData(new[] { "--max", "5" }, new string[0], new[] { "--max", "5" })]
    [InlineData(new[] { "--max-duration=1h", "-e", "A=1", "x" }, new[] { "--max-duration=1h", "-e", "A=1", "x" }, new string[0])]
    [InlineData(new[] { "--prompt", "it's \"quoted\"" }, new string[0], new[] { "--prompt", "it's \"quoted\"" })]
    [InlineData(new[] { "-eA=1", "--env=B=2", "x", "-y" }, new[] { "-eA=1", "--env=B=2", "x", "-y" }, new string[0])]
    [InlineData(new[] { "--lr", "0.1", "-d" }, new[] { "-d" }, new[] { "--lr", "0.1" })]
    public void Split_Tokens_SeparatesDstackOptionsFromRunArguments(string[] args, string[] own, string[] runArgs)
    {
        var (actualOwn, actualRest) = RunArgumentSplitter.Split(args, Names.Values, Names.Flags);

        Assert.Equal(own, actualOwn);
        Assert.Equal(runArgs, actualRest);
    }
}
