using Dstack.Runtime.Offers;

namespace Dstack.Runtime.Backends.Gcp;

/// <summary>
/// Compute Engine's own machineTypes and acceleratorTypes lists laid over the shipped catalog when credentials exist
/// (<see cref="GcpLiveCatalog"/>): read by <see cref="RefreshOffersAsync"/>, which the CLI calls before it plans, kept in
/// <see cref="GcpOfferCache"/> for an hour; <see cref="GetOffers"/> reads only that file, never the network, so the
/// editor's offers cost no call.
/// </summary>
public sealed partial class GcpBackend
{
    /// <summary>How long a refresh may take in all before the catalog is used as it is.</summary>
    public TimeSpan RefreshLimit { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>What "now" is, for the cache's freshness.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The cache of Compute Engine's lists.</summary>
    public GcpOfferCache OfferCache => field ??= new GcpOfferCache(home);

    /// <summary>The regions a refresh asks for: the configured ones, else every region of the shipped catalog.</summary>
    public IReadOnlyList<string> LiveRegions => field ??= settings.Regions ?? [.. GcpCatalog.Shipped.Rows.Select(r => r.Region).Distinct(StringComparer.Ordinal)];

    public bool RefreshesOffers => true;

    /// <summary>
    /// Reads the project's machine types and accelerator types of every zone (the aggregated lists, all pages) when the
    /// cache is stale or of other regions. Without credentials it asks nothing and says nothing (the catalog is what the
    /// user set up for); a refusal, no network or no answer in time is a warning naming the cause and the fix.
    /// </summary>
    public async Task<OfferRefresh> RefreshOffersAsync(CancellationToken cancellationToken)
    {
        var now = Clock.GetUtcNow();
        if (OfferCache.ReadFresh(now, LiveRegions) is not null)
        {
            return OfferRefresh.NotNeeded;
        }

        GcpCompute client;
        try
        {
            client = Compute;
        }
        catch (GcpCredentialsException)
        {
            return OfferRefresh.NotNeeded;
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(RefreshLimit);
        var shipped = $"the offers are the shipped Compute Engine catalog's of {GcpCatalog.Shipped.Date:yyyy-MM-dd}";
        try
        {
            var machineTypes = await client.AggregatedMachineTypesAsync(limit.Token).ConfigureAwait(false);
            var accelerators = await client.AggregatedAcceleratorTypesAsync(limit.Token).ConfigureAwait(false);
            OfferCache.Write(GcpLiveCatalog.From(now, LiveRegions, machineTypes, accelerators));
            return new OfferRefresh(true, null);
        }
        catch (GcpApiException e) when (e.Status is 401 or 403)
        {
            return new OfferRefresh(false, $"gcp: live offers not read ({e.Status} {e.Code}: {e.Detail}); give the credentials compute.machineTypes.list and compute.acceleratorTypes.list in {settings.ProjectId} (the Compute Viewer role), or check the key; {shipped}");
        }
        catch (GcpApiException e)
        {
            return new OfferRefresh(false, $"gcp: live offers not read ({e.Code}: {e.Detail}); {shipped}");
        }
        catch (HttpRequestException e)
        {
            return new OfferRefresh(false, $"gcp: live offers not read (Compute Engine cannot be reached: {e.Message}); check the network, or {EndpointVariable} when it is set; {shipped}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new OfferRefresh(false, $"gcp: live offers not read (no answer within {RefreshLimit.TotalSeconds:0} seconds); {shipped}");
        }
        catch (Exception e) when (e is Google.Apis.Auth.OAuth2.Responses.TokenResponseException or InvalidOperationException)
        {
            return new OfferRefresh(false, $"gcp: live offers not read (no access token: {e.Message.Split('\n')[0].Trim()}); check the credentials ({settings.ProjectId}); {shipped}");
        }
    }

    /// <summary>The offers from the catalog as the fresh cache has it (the catalog alone without one); reads no network.</summary>
    private BackendOffers LiveOffers(Requirements requirements)
    {
        var date = GcpCatalog.Shipped.Date;
        var live = OfferCache.ReadFresh(Clock.GetUtcNow(), LiveRegions);
        if (live is null)
        {
            return new BackendOffers(BackendName, GcpOffers.For(GcpCatalog.Shipped.Rows, requirements, settings.Regions), [])
            {
                Prices = new OfferPrices(OfferPrices.Catalog, $"Compute Engine catalog of {date:yyyy-MM-dd} (shipped)", date, null, null),
            };
        }

        var (rows, absent) = live.Apply(GcpCatalog.Shipped.Rows);
        var candidates = GcpOffers.For(rows, requirements, settings.Regions);
        var gone = GcpOffers.For([.. absent.Select(a => a.Row)], requirements, settings.Regions)
            .Select(c => c with { Unmet = [.. c.Unmet, absent.First(a => a.Row.Instance == c.Offer.Instance && a.Row.Region == c.Offer.Region).Why] });
        var until = live.FetchedAt + GcpOfferCache.FreshFor;
        return new BackendOffers(BackendName, [.. candidates, .. gone.Take(GcpOffers.LeftOutKept)], [])
        {
            Prices = new OfferPrices(OfferPrices.Catalog, $"Compute Engine catalog of {date:yyyy-MM-dd} (shipped), zones live from Compute Engine at {live.FetchedAt.UtcDateTime:HH:mm} UTC (cached until {until.UtcDateTime:HH:mm} UTC)", date, null, null),
        };
    }
}
