using Dstack.Runtime.Backends.Cloud;
using Dstack.Runtime.Planning;

namespace Dstack.Runtime.Tests.Backends.Cloud;

/// <summary>A cloud's row with no columns of its own, for the shared reader's and filter's tests.</summary>
public sealed record TestRow(string Instance, string Region, decimal Price, decimal SpotPrice, int Cpus, double MemoryGb, IReadOnlyList<MachineGpu> Gpus)
    : CloudCatalogRow(Instance, Region, Price, SpotPrice, Cpus, MemoryGb, Gpus);
