using Dstack.LanguageServer.Handlers;
using Dstack.LanguageServer.Offers;
using Dstack.LanguageServer.Server;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Resources;

namespace Dstack.LanguageServer.Tests.Support;

/// <summary>Machines of known shape for the offers lens, so tests do not depend on the machine that runs them.</summary>
public static class TestMachines
{
    /// <summary>8 cores, 32GB of RAM, 200GB of free disk, no GPU.</summary>
    public static MachineResources NoGpu { get; } = new(8, new Memory(32), new Memory(200), []);

    /// <summary>The same with one 24GB RTX4090.</summary>
    public static MachineResources OneRtx4090 { get; } = NoGpu with { Gpus = [new MachineGpu("RTX4090", GpuVendor.Nvidia, new Memory(24), new ComputeCapability(8, 9))] };

    public static OfferCatalog Catalog(MachineResources machine) =>
        new([new LocalOfferSource(new MachineProbe(() => machine, TimeProvider.System, MachineProbe.DefaultMaxAge))]);

    /// <summary>The server's handlers with offers from <paramref name="machine"/> (default: <see cref="NoGpu"/>).</summary>
    public static DispatchTable Table(MachineResources? machine = null) => DstackHandlers.Create(Catalog(machine ?? NoGpu));
}
