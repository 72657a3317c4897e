using Azure;
using Azure.Identity;
using Dstack.Runtime.Offers;

namespace Dstack.Runtime.Backends.Azure;

/// <summary>
/// The subscription's resource SKUs laid over the shipped catalog: a size ARM does not list in a region, or lists with
/// a restriction there (<c>NotAvailableForSubscription</c>), is left out with that reason. Read once per process by
/// <see cref="RefreshOffersAsync"/> (the CLI calls it before it plans); the editor's offers stay the catalog's.
/// </summary>
public sealed partial class AzureBackend
{
    /// <summary>How long a refresh may take in all before the catalog is used as it is.</summary>
    public TimeSpan RefreshLimit { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The regions asked, and each listed size's restriction (null: usable), once refreshed.</summary>
    private (HashSet<string> Regions, Dictionary<(string Region, string Size), string?> Sizes)? _live;

    public bool RefreshesOffers => true;

    /// <summary>
    /// Reads the resource SKUs of the configured regions (every region of the catalog without them). Without
    /// credentials it says nothing (the catalog is what the user set up for); a refusal or no answer in time is a warning.
    /// </summary>
    public async Task<OfferRefresh> RefreshOffersAsync(CancellationToken cancellationToken)
    {
        if (_live is not null)
        {
            return OfferRefresh.NotNeeded;
        }

        var regions = settings.Regions ?? [.. AzureCatalog.Shipped.Rows.Select(r => r.Region).Distinct(StringComparer.Ordinal)];
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(RefreshLimit);
        var sizes = new Dictionary<(string, string), string?>();
        try
        {
            foreach (var region in regions)
            {
                foreach (var sku in await _compute.SkusAsync(region, limit.Token).ConfigureAwait(false))
                {
                    sizes[(region, sku.Size)] = sku.Restriction;
                }
            }
        }
        catch (CredentialUnavailableException)
        {
            return OfferRefresh.NotNeeded;
        }
        catch (Exception e) when (e is RequestFailedException or AuthenticationFailedException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var why = e is OperationCanceledException ? $"no answer within {RefreshLimit.TotalSeconds:0} seconds" : e.Message.Split('\n')[0].Trim();
            return new OfferRefresh(false, $"azure: the resource SKUs could not be read ({why}); the offers are the shipped catalog's of {AzureCatalog.Shipped.Date:yyyy-MM-dd}");
        }

        _live = ([.. regions], sizes);
        return new OfferRefresh(true, null);
    }

    /// <summary>The candidates with what the resource SKUs say against them (nothing before a refresh).</summary>
    private IReadOnlyList<OfferCandidate> WithLiveSkus(IReadOnlyList<OfferCandidate> candidates)
    {
        if (_live is not { } live)
        {
            return candidates;
        }

        return [.. candidates.Select(c =>
        {
            var offer = c.Offer;
            if (!live.Regions.Contains(offer.Region))
            {
                return c;
            }

            var reason = !live.Sizes.TryGetValue((offer.Region, offer.Instance), out var restriction)
                ? $"regions: {offer.Instance} is not offered in {offer.Region} to this subscription (resource SKUs)"
                : restriction is not null ? $"regions: {offer.Instance} is restricted in {offer.Region} for this subscription ({restriction})" : null;
            return reason is null ? c : c with { Unmet = [.. c.Unmet, reason] };
        })];
    }
}
