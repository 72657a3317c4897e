using Dstack.Runtime.Runs;

namespace Dstack.Runtime.Tests.Runs;

[Trait("Category", "Fast")]
public sealed class TerminationReasonTests
{
    [Theory]
    [InlineData("aborted", TerminationReason.AbortedByUser, null, "")]
    [InlineData("terminated", TerminationReason.StoppedByUser, null, "stopped")]
    [InlineData("failed", TerminationReason.JobFailed, 3, "exited with code 3")]
    [InlineData("terminated", TerminationReason.MaxDurationExceeded, null, "stopped: max_duration reached")]
    [InlineData("done", null, null, "")]
    public void DescribeBeside_ReasonThatRepeatsTheStatus_IsLeftOut(string status, string? reason, int? exitCode, string expected) =>
        Assert.Equal(expected, TerminationReason.DescribeBeside(status, reason, exitCode));
}
