using Dstack.Runtime.Processes;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Tests.Runs;

/// <summary>Starting a controller whose program is not there fails at once, naming the path (not later, as "the controller ended").</summary>
[Trait("Category", "Fast")]
public sealed class ControllerProcessStartTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("dstack-ctlstart-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Start_WithAMissingProgram_SaysWhichPathIsMissing()
    {
        var missing = Path.Combine(_root, "dstack-controller");

        var e = Assert.Throws<JobStartException>(() => ControllerProcess.Start(new ControllerCommand(missing, []), new DstackHome(Path.Combine(_root, "home"))));

        Assert.Contains($"{missing} does not exist", e.Message, StringComparison.Ordinal);
        Assert.Contains("dstack-controller", e.Message, StringComparison.Ordinal);
    }
}
