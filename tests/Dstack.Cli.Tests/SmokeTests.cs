using Dstack.Cli;

namespace Dstack.Cli.Tests;

public sealed class SmokeTests
{
    [Fact]
    public async Task Validate_UnknownOption_ExitsWithUsageError()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await DstackCommandLine.RunAsync(["validate", "--bogus"], output, error);
        Assert.Equal(DstackCommandLine.UsageError, code);
        Assert.Contains("--bogus", error.ToString(), StringComparison.Ordinal);
    }
}
