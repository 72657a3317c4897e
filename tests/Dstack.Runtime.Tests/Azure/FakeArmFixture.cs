using Dstack.Runtime.Tests.Aws.Fake;
using Dstack.Runtime.Tests.Azure.Fake;

namespace Dstack.Runtime.Tests.Azure;

/// <summary>One <see cref="FakeArm"/> (loopback machines) shared by a test class.</summary>
public sealed class FakeArmFixture : IAsyncLifetime
{
    public LoopbackMachines Machines { get; } = new();

    public FakeArm Arm { get; private set; } = null!;

    public async Task InitializeAsync() => Arm = await FakeArm.StartAsync(Machines);

    public async Task DisposeAsync() => await Arm.DisposeAsync();
}
