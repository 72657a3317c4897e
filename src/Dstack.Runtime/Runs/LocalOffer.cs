using Dstack.Runtime.Planning;

namespace Dstack.Runtime.Runs;

/// <summary>What the local backend offers: this machine, on-demand, free.</summary>
public sealed record LocalOffer(string Instance, MachineResources Resources)
{
    public const string Backend = "local";
    public const string Region = "local";

    public bool Spot => false;

    public decimal PricePerHour => 0m;
}
