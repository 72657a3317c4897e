using Dstack.Runtime.Offers;
using Dstack.Runtime.Runs;

namespace Dstack.Runtime.Backends;

/// <summary>
/// A place runs go to (this machine, the SSH pool, a cloud), modelled on dstack's <c>Compute</c>: it lists what it can
/// offer for a run's requirements, provisions an instance for an offer, says whether an instance still exists, and
/// terminates it. Each backend lives in its own folder under <c>Backends/</c>; code outside it never asks which
/// backend it is: it goes through this interface and the <see cref="Hosts.IJobHost"/> an instance gives.
/// </summary>
public interface IBackend
{
    /// <summary>The backend's name as <c>backends:</c> and <c>-b</c> write it (<c>local</c>, <c>ssh</c>, <c>aws</c>).</summary>
    string Name { get; }

    /// <summary>What it provides, in a few words, for <c>dstack backend list</c>: <c>this machine (NAME)</c>, <c>2 hosts: gpu1, gpu2</c>.</summary>
    string Summary { get; }

    /// <summary>The machines it is configured with, by name (an SSH pool's hosts); empty for one that creates them or is one machine.</summary>
    IReadOnlyList<string> Machines { get; }

    /// <summary>
    /// A cheap check that it works now, for <c>dstack backend check</c>: its credentials, whether its machines answer.
    /// One result per machine, or one for the backend.
    /// </summary>
    Task<IReadOnlyList<BackendCheck>> CheckAsync(CancellationToken cancellationToken);

    /// <summary>True when the requirements' backends filter admits this backend (no filter admits every one).</summary>
    bool IsAdmitted(Requirements requirements);

    /// <summary>
    /// Every machine this backend could provide for the requirements, each with what it lacks, and the backend's own
    /// problems; answers from what it knows or can learn quickly (a cached probe), never provisions anything.
    /// </summary>
    BackendOffers GetOffers(Requirements requirements, OfferContext context);

    /// <summary>
    /// Brings what <see cref="GetOffers"/> reads up to date when it is stale (a cloud's live availability and prices,
    /// kept in a cache); called by the CLI before it plans, never on an editor's request. It never throws for a
    /// cloud that cannot be asked: that is a <see cref="OfferRefresh.Warning"/>, and the offers come from what is known.
    /// Backends whose offers need no refresh keep this default, which does nothing.
    /// </summary>
    Task<OfferRefresh> RefreshOffersAsync(CancellationToken cancellationToken) => Task.FromResult(OfferRefresh.NotNeeded);

    /// <summary>
    /// Whether <see cref="RefreshOffersAsync"/> may learn anything (true for one that overrides it): without such a
    /// backend configured, the CLI plans once, without a first plan to find whom to refresh.
    /// </summary>
    bool RefreshesOffers => false;

    /// <summary>
    /// Whether one of its machines runs one run at a time (a pool host): a service scaling up onto a machine that
    /// another run took meanwhile waits for it. False (the default) where every run gets machines of its own or shares
    /// by GPUs (this machine, a cloud).
    /// </summary>
    bool OneRunPerMachine => false;

    /// <summary>
    /// Provisions an instance for <paramref name="request"/>'s offer (creates a VM, checks that a pool host answers,
    /// takes this machine) and reports its steps through <paramref name="progress"/>. The instance is recorded by the
    /// caller before this is called, under <see cref="ProvisionRequest.Token"/>, so one that a crash leaves behind is
    /// found again.
    /// </summary>
    /// <exception cref="ProvisioningException">The offer cannot be had now (no capacity, unreachable, refused).</exception>
    Task<Instance> ProvisionAsync(ProvisionRequest request, IProgress<RunProgress>? progress, CancellationToken cancellationToken);

    /// <summary>Whether the instance still exists (null when that cannot be known now, such as an unreachable API).</summary>
    Task<bool?> ExistsAsync(Instance instance, CancellationToken cancellationToken);

    /// <summary>
    /// Why the instance is gone when the provider took it back (a spot interruption), in the provider's words, for an
    /// instance whose host stopped answering during a run; null when it was not taken back or that cannot be known
    /// (an SSH host that does not answer is just unreachable).
    /// </summary>
    Task<string?> InterruptionOfAsync(Instance instance, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    /// <summary>Terminates (or releases) the instance; an instance that is already gone is no error.</summary>
    Task TerminateAsync(Instance instance, CancellationToken cancellationToken);

    /// <summary>
    /// Releases what the backend made for a run's group (<see cref="ProvisionRequest.Group"/>), called once every
    /// instance provisioned for it (or tried) is terminated; <paramref name="offers"/> are the offers that were asked
    /// for. Nothing to release is no error; a backend that makes nothing for groups needs not implement it.
    /// </summary>
    Task ReleaseGroupAsync(string group, IReadOnlyList<Offer> offers, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The machine the instance is, to run jobs on: its code, processes, logs and ports.</summary>
    Hosts.IJobHost HostOf(Instance instance, Hosts.HostContext context);
}
