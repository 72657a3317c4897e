using Dstack.Runtime.Planning;

namespace Dstack.Runtime.Offers;

/// <summary>
/// A machine a backend can provide: where (backend, region), what (the instance type as the backend names it, its
/// resources), on what terms (spot, dollars per hour), and whether it can be had now.
/// </summary>
/// <param name="Backend">The backend's name as <c>backends:</c> writes it: <c>local</c>, <c>ssh</c>, <c>aws</c>.</param>
/// <param name="Region">The region (<c>local</c> for this machine, <c>ssh</c> for pool hosts).</param>
/// <param name="Instance">The instance type, or the machine's name (an SSH host's pool name).</param>
/// <param name="Resources">What one instance has.</param>
/// <param name="Spot">True for a spot (interruptible) instance.</param>
/// <param name="PricePerHour">Dollars per hour, per instance.</param>
public sealed record Offer(string Backend, string Region, string Instance, MachineResources Resources, bool Spot, decimal PricePerHour)
{
    /// <summary>Whether it can be had now (a pool host busy with another run cannot).</summary>
    public OfferAvailability Availability { get; init; } = OfferAvailability.Available;

    /// <summary>
    /// How many jobs of one run this offer can take: one machine per job for SSH hosts, every job for this
    /// machine and for a cloud offer (each job gets its own instance of it). Jobs of one run never span backends.
    /// </summary>
    public int Capacity { get; init; } = 1;

    /// <summary>
    /// True when every job placed on this offer runs on one and the same machine (this machine), so they share its
    /// ports; false where each job gets a machine of its own (an SSH host per job, a cloud instance per job).
    /// </summary>
    public bool JobsShareMachine { get; init; }

    /// <summary>The GPUs a job gets on the machine (as <c>nvidia-smi</c> numbers them); empty without GPUs.</summary>
    public IReadOnlyList<int> Gpus { get; init; } = [];

    /// <summary>How the offer shows its machine in a plan (an SSH host: <c>gpu1 (ubuntu@10.0.0.5)</c>).</summary>
    public string Display { get; init; } = string.Empty;

    /// <summary>The one <see cref="Data"/> entry every backend may set and the plan shows: the Python interpreter a job runs with.</summary>
    public const string PythonKey = "python";

    /// <summary>The backend's own details needed to provision it (an SSH host's address and key); other code never reads them.</summary>
    public IReadOnlyDictionary<string, string> Data { get; init; } = new Dictionary<string, string>();

    public string ShownAs => Display.Length > 0 ? Display : Instance;
}

/// <summary>Whether an offer can be had now.</summary>
public enum OfferAvailability
{
    Available,

    /// <summary>Held by another run (a pool host runs one run at a time).</summary>
    Busy,

    /// <summary>Not known yet (an SSH host still being probed).</summary>
    Unknown,

    /// <summary>Cannot be reached or is out of capacity.</summary>
    NotAvailable,
}
