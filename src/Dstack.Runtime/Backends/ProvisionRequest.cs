using Dstack.Runtime.Offers;

namespace Dstack.Runtime.Backends;

/// <summary>What to provision: an offer, for a job of a run.</summary>
/// <param name="Offer">The offer to provision.</param>
/// <param name="RunName">The run, for the instance's name and tags.</param>
/// <param name="Rank">The job's rank within the run.</param>
/// <param name="Token">
/// A token unique to this provisioning, recorded with the instance before the call: a backend whose API takes an
/// idempotency token (a client token) passes it, so a call repeated after a crash creates nothing twice, and an
/// instance a crash left behind is found by it.
/// </param>
public sealed record ProvisionRequest(Offer Offer, string RunName, int Rank, string Token)
{
    /// <summary>True when the instance replaces one that was lost: what the offer said may be old, so check it afresh.</summary>
    public bool Replacing { get; init; }

    /// <summary>
    /// The run's group when it has several jobs (<c>nodes: N</c>), else null: instances of one group may be placed
    /// close together (a cloud's cluster placement group). A backend that makes something for the group releases it in
    /// <see cref="IBackend.ReleaseGroupAsync"/>, which the caller calls once the group's instances are all gone.
    /// </summary>
    public string? Group { get; init; }

    /// <summary>How many jobs the run's group has (<c>nodes</c>): what a placement made for the group is sized for.</summary>
    public int Nodes { get; init; } = 1;

    /// <summary>
    /// True when the run's jobs run in containers (<c>image</c>): the machine needs a Docker engine the login user can
    /// use, so a backend that makes machines installs one where its image has none and waits for it.
    /// </summary>
    public bool Containers { get; init; }
}
