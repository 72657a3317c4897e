using Dstack.Runtime.Offers;

namespace Dstack.Runtime.Backends;

/// <summary>A machine a backend provisioned for a job: the offer it was made from, the backend's id for it, its address.</summary>
/// <param name="Offer">The offer it was provisioned from (its resources, price and the backend's own details).</param>
/// <param name="InstanceId">The backend's id (a cloud instance id, a pool host's name).</param>
/// <param name="Address">The address the run's other jobs reach it at (<c>DSTACK_NODES_IPS</c>).</param>
public sealed record Instance(Offer Offer, string InstanceId, string Address);
