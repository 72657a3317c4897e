using Dstack.Runtime.State;
using Dstack.Runtime.Tests.CloudFakes;
using Dstack.Runtime.Tests.Azure.Fake;

namespace Dstack.Runtime.Tests.Azure;

/// <summary>One <see cref="FakeArm"/> (loopback machines) and one state folder shared by a test class.</summary>
public sealed class FakeArmFixture : IAsyncLifetime
{
    public LoopbackMachines Machines { get; } = new();

    public FakeArm Arm { get; private set; } = null!;

    public DstackHome Home { get; } = new(Path.Combine(Path.GetTempPath(), "dstack-azure-" + Guid.NewGuid().ToString("N")[..8]));

    public async Task InitializeAsync() => Arm = await FakeArm.StartAsync(Machines);

    public async Task DisposeAsync()
    {
        await Arm.DisposeAsync();
        if (Directory.Exists(Home.Root))
        {
            Directory.Delete(Home.Root, recursive: true);
        }
    }
}
