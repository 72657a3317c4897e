namespace Dstack.Cli.Tests;

[Trait("Category", "Fast")]
public sealed class HelpTests
{
    [Theory]
    [InlineData(new[] { "--help" }, "validate")]
    [InlineData(new[] { "-h" }, "schema")]
    [InlineData(new[] { "validate", "--help" }, "--format")]
    [InlineData(new[] { "validate", "-h" }, "PATH")]
    [InlineData(new[] { "schema", "--help" }, "--profiles")]
    [InlineData(new[] { "schema", "-h" }, "--workflows")]
    public async Task Help_PrintsUsageAndExitsZero(string[] args, string mentions)
    {
        var result = await Cli.RunAsync(args);

        Assert.Equal(DstackCommandLine.Success, result.ExitCode);
        Assert.Contains("Usage:", result.Output, StringComparison.Ordinal);
        Assert.Contains(mentions, result.Output, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Error);
    }
}
