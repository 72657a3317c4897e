using Dstack.Runtime.Backends;
using Dstack.Runtime.Backends.Azure;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Runs;

namespace Dstack.Runtime.Tests.Azure;

/// <summary>
/// Runs of several nodes on Azure in-process against <see cref="Fake.FakeArm"/>: their VMs in one proximity placement
/// group, deleted with the last of them (the end of the run, or the cleanup after a dead controller, which deletes VMs
/// only) or by the release of the run's group; a node that cannot be had leaves nothing once the run ends.
/// </summary>
[Trait("Category", "Fast")]
public sealed class AzureNodesTests(FakeArmFixture fixture) : IClassFixture<FakeArmFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly Fake.FakeArm _arm = fixture.Arm;

    [Fact]
    public async Task Group_TwoNodes_MadeInOneProximityPlacementGroup_DeletedWithTheLastVm()
    {
        var backend = Backend();
        var offer = Offer(backend, "Standard_D2s_v5");
        var steps = new List<ProvisioningStepProgress>();

        var first = await backend.ProvisionAsync(Request(offer, "pair", 0), new SyncProgress(p => steps.Add((ProvisioningStepProgress)p)), None);
        var second = await backend.ProvisionAsync(Request(offer, "pair", 1), null, None);

        var id = Assert.Single(_arm.PlacementGroups, g => g.EndsWith("/proximityPlacementGroups/dstack-pair", StringComparison.Ordinal));
        Assert.Contains($"/resourceGroups/{AzureBackend.ResourceGroupName(CloudInit.ProjectName(fixture.Home), "eastus")}/", id, StringComparison.Ordinal);
        Assert.Equal([id, id], VmsOf(first, second).Select(Fake.FakeArm.PlacementGroupOf));
        Assert.Contains(steps, s => s.Step == "placement_group");
        Assert.Contains(steps, s => s.Step == "creating" && s.Detail.EndsWith("in eastus in the proximity placement group dstack-pair", StringComparison.Ordinal));

        await backend.TerminateAsync(first, None);
        Assert.Contains(id, _arm.PlacementGroups);
        Assert.Contains(_arm.Calls, c => c.Method == "GET" && c.Path == id);

        await backend.TerminateAsync(second, None);
        Assert.DoesNotContain(id, _arm.PlacementGroups);
        await backend.ReleaseGroupAsync("pair", [offer, offer], None);
    }

    [Fact]
    public async Task Group_TheSecondNodeCannotBeHad_NothingIsLeftOnceTheRunEnds()
    {
        var backend = Backend();
        var offer = Offer(backend, "Standard_D8s_v5");
        var first = await backend.ProvisionAsync(Request(offer, "short", 0), null, None);
        _arm.FailNextCreate("Standard_D8s_v5", "AllocationFailed");

        var error = await Assert.ThrowsAsync<ProvisioningException>(() => backend.ProvisionAsync(Request(offer, "short", 1), null, None));

        Assert.True(error.NoCapacity);
        Assert.Single(_arm.LiveVms, v => v.Size == "Standard_D8s_v5");
        var id = Assert.Single(_arm.PlacementGroups, g => g.EndsWith("/dstack-short", StringComparison.Ordinal));

        // While a VM is in it the group cannot go; the run's end terminates the VM, then releases the group.
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => backend.ReleaseGroupAsync("short", [offer], None));
        Assert.Contains("the proximity placement group dstack-short in", refused.Message, StringComparison.Ordinal);
        Assert.Contains(id, _arm.PlacementGroups);
        await backend.TerminateAsync(first, None);
        await backend.ReleaseGroupAsync("short", [offer], None);

        Assert.DoesNotContain(_arm.LiveVms, v => v.Size == "Standard_D8s_v5");
        Assert.DoesNotContain(id, _arm.PlacementGroups);
    }

    [Fact]
    public async Task Group_AfterADeadController_TheCleanupDeletesTheVmsByToken_AndTheGroupWithTheLast()
    {
        var backend = Backend();
        var offer = Offer(backend, "Standard_D2s_v5");
        var tokens = new[] { Token("orphan", 0), Token("orphan", 1) };
        foreach (var (token, rank) in tokens.Select((t, r) => (t, r)))
        {
            await backend.ProvisionAsync(new ProvisionRequest(offer, "orphan", rank, token) { Group = "orphan" }, null, None);
        }

        var id = Assert.Single(_arm.PlacementGroups, g => g.EndsWith("/dstack-orphan", StringComparison.Ordinal));

        // The records a dead controller leaves may hold only the tokens; a fresh backend (dstack ps's) terminates them.
        var cleanup = Backend();
        foreach (var token in tokens)
        {
            await cleanup.TerminateAsync(new Instance(offer, token, string.Empty), None);
        }

        Assert.DoesNotContain(_arm.LiveVms, v => tokens.Any(t => v.Name == AzureBackend.VmName(t)));
        Assert.DoesNotContain(id, _arm.PlacementGroups);
    }

    [Fact]
    public async Task NoGroup_OneNode_IsMadeWithoutAProximityPlacementGroup()
    {
        var backend = Backend();
        var before = _arm.Calls.Count;

        var instance = await backend.ProvisionAsync(new ProvisionRequest(Offer(backend, "Standard_D2s_v5"), "single", 0, Token("single", 0)), null, None);

        Assert.Null(Fake.FakeArm.PlacementGroupOf(Assert.Single(VmsOf(instance))));
        Assert.DoesNotContain(_arm.Calls.Skip(before), c => c.Path.Contains("/proximityPlacementGroups/", StringComparison.Ordinal));
        await backend.TerminateAsync(instance, None);
    }

    private IEnumerable<Fake.FakeVm> VmsOf(params Instance[] instances) =>
        instances.Select(i => Assert.Single(_arm.LiveVms, v => i.InstanceId.EndsWith("/" + v.Name, StringComparison.Ordinal)));

    private AzureBackend Backend() =>
        new(fixture.Home, _arm.Settings, _arm.NewCompute()) { SshAnswers = (_, _) => Task.FromResult(true), Poll = TimeSpan.FromMilliseconds(20) };

    private static string Token(string run, int rank) => $"{run}-{rank}-{Guid.NewGuid():N}";

    private static ProvisionRequest Request(Offer offer, string run, int rank) => new(offer, run, rank, Token(run, rank)) { Group = run };

    private static Offer Offer(AzureBackend backend, string size) =>
        backend.GetOffers(new Requirements { InstanceTypes = [size], Regions = ["eastus"] }, OfferContext.Empty).Candidates.First(c => c.Fits).Offer;

    private sealed class SyncProgress(Action<RunProgress> report) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => report(value);
    }
}
