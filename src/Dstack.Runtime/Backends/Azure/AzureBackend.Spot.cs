using System.Globalization;
using Azure;
using Dstack.Runtime.Offers;

namespace Dstack.Runtime.Backends.Azure;

/// <summary>
/// Spot VMs: the run's <c>max_price</c> goes with each spot offer (<see cref="MaxPriceKey"/>) to the VM's
/// <c>billingProfile.maxPrice</c> (-1 without one: up to the pay-as-you-go price, never evicted for price), and a Spot
/// VM whose host stopped answering is asked about: deleted (its eviction policy is Delete) or deallocated, it was evicted.
/// </summary>
public sealed partial class AzureBackend
{
    /// <summary>The <see cref="Offer.Data"/> key of a spot offer's <c>max_price</c> (dollars per hour), when the run set one.</summary>
    public const string MaxPriceKey = "max_price";

    /// <summary>
    /// Why the Spot VM is gone when Azure evicted it: ARM no longer has it (evictionPolicy Delete, dstack's), or its
    /// instance view says it is deallocated or being deleted without dstack asking; null while it runs, for a
    /// pay-as-you-go VM (never evicted) and for an instance not yet named.
    /// </summary>
    public async Task<string?> InterruptionOfAsync(Instance instance, CancellationToken cancellationToken)
    {
        if (!instance.Offer.Spot || !instance.InstanceId.Contains('/', StringComparison.Ordinal))
        {
            return null;
        }

        var (group, name) = Split(instance);
        var state = await _compute.VmStateAsync(group, name, cancellationToken).ConfigureAwait(false);
        return state switch
        {
            null => "ARM no longer has the Spot VM: Azure evicted it (evictionPolicy Delete deletes it with its disk)",
            { Power: "deallocated" or "deallocating" } s => $"Azure evicted the Spot VM (PowerState/{s.Power})",
            { Provisioning: "deleting" } => "Azure evicted the Spot VM (ProvisioningState/deleting)",
            _ => null,
        };
    }

    /// <summary>The spot offers with the run's <c>max_price</c> in their data (the offers above it are already left out).</summary>
    private static IReadOnlyList<OfferCandidate> WithMaxPrice(IReadOnlyList<OfferCandidate> candidates, double? maxPrice) =>
        maxPrice is not { } max
            ? candidates
            : [.. candidates.Select(c => c.Offer.Spot
                ? c with { Offer = c.Offer with { Data = new Dictionary<string, string>(c.Offer.Data, StringComparer.Ordinal) { [MaxPriceKey] = Money((decimal)max) } } }
                : c)];

    /// <summary>The spot offer's <c>max_price</c>; null for none (the VM's maxPrice is then -1).</summary>
    private static decimal? MaxPriceOf(Offer offer) =>
        offer.Spot && decimal.TryParse(offer.Data.GetValueOrDefault(MaxPriceKey), NumberStyles.Float, CultureInfo.InvariantCulture, out var max) ? max : null;

    /// <summary>ARM's refusal of the VM in words: no capacity, a spot price above <c>max_price</c> (both move on to the next offer), or why not.</summary>
    private static ProvisioningException Refusal(string size, string region, decimal? maxPrice, RequestFailedException refused)
    {
        var code = refused.ErrorCode ?? refused.Status.ToString(CultureInfo.InvariantCulture);
        if (AzureCompute.IsSpotPriceError(refused))
        {
            return new ProvisioningException($"{size} in {region}: Azure's spot price is above max_price ${(maxPrice is { } max ? Money(max) : "?")}/hour now ({code}); trying another offer", noCapacity: true);
        }

        return AzureCompute.IsCapacityError(refused)
            ? new ProvisioningException($"{size} in {region}: Azure has no capacity for it now ({code}); trying another offer", noCapacity: true)
            : new ProvisioningException($"{size} in {region}: ARM refused the VM ({code}: {FirstLine(refused.Message)})");
    }

    private static string Money(decimal value) => value.ToString("0.#####", CultureInfo.InvariantCulture);
}
