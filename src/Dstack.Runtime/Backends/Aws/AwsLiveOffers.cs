using Amazon.EC2;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Dstack.Runtime.Offers;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Backends.Aws;

/// <summary>
/// The AWS backend's offers: the shipped catalog with EC2's live answers laid over it while they are fresh
/// (<see cref="AwsOfferCache"/>). <see cref="Offers"/> reads files only, never the network, so the editor may ask on
/// every keystroke; <see cref="RefreshAsync"/>, which the CLI calls before it plans, asks EC2 when the cache is stale.
/// </summary>
/// <param name="home">The state folder (its cache).</param>
/// <param name="settings">The aws entry of config.yml (its regions, its credentials).</param>
/// <param name="compute">The EC2 clients.</param>
/// <param name="clientsGiven">True when <paramref name="compute"/>'s clients were given (tests): they carry their own credentials.</param>
/// <param name="clock">What "now" is, for freshness.</param>
public sealed class AwsLiveOffers(DstackHome home, AwsSettings settings, AwsCompute compute, bool clientsGiven, TimeProvider clock)
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<AwsLiveCatalog, IReadOnlyList<AwsCatalogRow>> Applied = [];

    /// <summary>The cache file of live answers.</summary>
    public AwsOfferCache Cache { get; } = new(home);

    /// <summary>The EC2 calls of a refresh (its per-region limit and parallelism).</summary>
    public AwsLiveCatalogFetcher Fetcher { get; init; } = new(compute.Client);

    /// <summary>The regions a refresh asks for: the configured ones, else every region of the shipped catalog.</summary>
    public IReadOnlyList<string> Regions { get; } = settings.Regions ?? [.. AwsCatalog.Shipped.Rows.Select(r => r.Region).Distinct(StringComparer.Ordinal)];

    /// <summary>Offers for the requirements from the shipped catalog and the fresh cache; reads no network.</summary>
    public BackendOffers Offers(Requirements requirements)
    {
        var live = Cache.ReadFresh(clock.GetUtcNow());
        var rows = live is null ? AwsCatalog.Shipped.Rows : Applied.GetValue(live, l => l.Apply(AwsCatalog.Shipped.Rows));
        var candidates = AwsOffers.For(rows, requirements, settings.Regions);
        var volumes = requirements.VolumeProblems("the instance").ToList();
        if (volumes.Count > 0)
        {
            // Instance volumes in a container are bind mounts on the instance; what cannot be mounted leaves every offer out.
            candidates = [.. candidates.Select(c => c with { Unmet = [.. c.Unmet, .. volumes.Select(v => v.Short)] })];
        }

        var problems = volumes.Select(v => OfferProblem.Error(Diagnostics.DiagnosticCodes.InvalidVolume, v.Full, "volumes")).ToList();
        return new BackendOffers(AwsOffers.BackendName, candidates, problems) { Prices = PricesOf(live) };
    }

    /// <summary>
    /// Asks EC2 when the cache is stale (older than <see cref="AwsOfferCache.FreshFor"/>, or of other regions) and keeps
    /// what it answers. Without credentials it asks nothing and says nothing (the shipped catalog is what the user
    /// set up for); a refusal, a throttle, no network or no answer in time is a warning, never an exception.
    /// </summary>
    public async Task<OfferRefresh> RefreshAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (Cache.Read() is { } cached && AwsOfferCache.IsFresh(cached, now) && cached.Requested.SequenceEqual(Regions, StringComparer.Ordinal))
        {
            return OfferRefresh.NotNeeded;
        }

        if (!clientsGiven && settings.AccessKey is null && !SdkFindsCredentials(now))
        {
            return OfferRefresh.NotNeeded;
        }

        var shipped = $"the shipped EC2 catalog of {AwsCatalog.Shipped.Date:yyyy-MM-dd}";
        if (LastFailure() is { } failedAt && now - failedAt is var since && since >= TimeSpan.Zero && since < RetryFailedAfter)
        {
            return new OfferRefresh(false, $"aws: live offers not read (the last try, at {failedAt.UtcDateTime:HH:mm} UTC, failed; the next is after {(failedAt + RetryFailedAfter).UtcDateTime:HH:mm} UTC, or at once after rm {FailedStamp}); prices come from {shipped}");
        }

        AwsLiveCatalog catalog;
        IReadOnlyList<(string Region, string Why)> failures;
        try
        {
            (catalog, failures) = await Fetcher.FetchAsync(Regions, now, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Failed(now);
            return new OfferRefresh(false, $"aws: live offers not read (EC2 did not answer in time); prices come from {shipped}");
        }

        if (catalog.Regions.Count > 0)
        {
            Cache.Write(catalog);
            Forget(FailedStamp);
        }
        else
        {
            Failed(now);
        }

        if (failures.Count == 0)
        {
            return new OfferRefresh(true, null);
        }

        var why = string.Join("; ", failures.GroupBy(f => f.Why).Select(g => $"{string.Join(", ", g.Select(f => f.Region))}: {g.Key}"));
        return catalog.Regions.Count == 0
            ? new OfferRefresh(false, $"aws: live offers not read ({why}); prices come from {shipped}")
            : new OfferRefresh(true, $"aws: live offers of {string.Join(", ", failures.Select(f => f.Region))} not read ({why}); their prices come from {shipped}");
    }

    /// <summary>
    /// How long a refresh that got nothing (every region refused, unreachable or silent) is not tried again: without it,
    /// every command of a machine with credentials and no way to EC2 would wait for the refresh's time limit.
    /// </summary>
    public static readonly TimeSpan RetryFailedAfter = TimeSpan.FromMinutes(10);

    /// <summary>The file whose content is the regions of the last refresh that got nothing, and whose time is when.</summary>
    public string FailedStamp => Path.Combine(home.CacheFolder, "aws-offers.failed");

    private DateTimeOffset? LastFailure()
    {
        try
        {
            return File.Exists(FailedStamp) && File.ReadAllText(FailedStamp) == string.Join(',', Regions)
                ? new DateTimeOffset(File.GetLastWriteTimeUtc(FailedStamp), TimeSpan.Zero)
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void Failed(DateTimeOffset now)
    {
        try
        {
            Directory.CreateDirectory(home.CacheFolder);
            File.WriteAllText(FailedStamp, string.Join(',', Regions));
            File.SetLastWriteTimeUtc(FailedStamp, now.UtcDateTime);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only a shortcut: the next command tries again.
        }
    }

    private static void Forget(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private OfferPrices PricesOf(AwsLiveCatalog? live)
    {
        var date = AwsCatalog.Shipped.Date;
        if (live is null)
        {
            return new OfferPrices(OfferPrices.Catalog, $"EC2 catalog of {date:yyyy-MM-dd} (shipped)", date, null, null);
        }

        var until = live.FetchedAt + AwsOfferCache.FreshFor;
        var partial = Regions.Any(r => !live.Regions.ContainsKey(r)) ? $" for {string.Join(", ", live.Regions.Keys.Order(StringComparer.Ordinal))}" : string.Empty;
        return new OfferPrices(OfferPrices.Live, $"live from EC2 at {live.FetchedAt.UtcDateTime:HH:mm} UTC (cached until {until.UtcDateTime:HH:mm} UTC){partial}, catalog of {date:yyyy-MM-dd}", date, live.FetchedAt, until);
    }

    /// <summary>
    /// Whether the AWS SDK's own chain (environment, profiles, SSO, container and instance metadata) finds credentials.
    /// Without any variable or file of the chain, only instance metadata is left, and asking it costs a probe of
    /// 169.254.169.254; so "none there" is remembered for <see cref="AwsOfferCache.FreshFor"/> in
    /// <c>cache/aws-offers.no-credentials</c> (a variable or file that appears is seen at once).
    /// </summary>
    private bool SdkFindsCredentials(DateTimeOffset now)
    {
        var cheap = CheapSources.Any(v => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(v)))
            || ProfileFiles().Any(File.Exists);
        var stamp = Path.Combine(home.CacheFolder, "aws-offers.no-credentials");
        if (!cheap && File.Exists(stamp) && now - File.GetLastWriteTimeUtc(stamp) is var age && age >= TimeSpan.Zero && age < AwsOfferCache.FreshFor)
        {
            return false;
        }

        bool found;
        try
        {
            found = DefaultAWSCredentialsIdentityResolver.GetCredentials(new AmazonEC2Config()) is not null;
        }
        catch (AmazonClientException)
        {
            found = false;
        }

        if (!found && !cheap)
        {
            try
            {
                Directory.CreateDirectory(home.CacheFolder);
                File.WriteAllText(stamp, string.Empty);
                File.SetLastWriteTimeUtc(stamp, now.UtcDateTime);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Only a shortcut: the next command asks the chain again.
            }
        }

        return found;
    }

    /// <summary>The variables that point the SDK's chain at credentials without a network call.</summary>
    private static readonly string[] CheapSources =
    [
        "AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
    ];

    private static IEnumerable<string> ProfileFiles()
    {
        var user = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return string.IsNullOrEmpty(user) ? [] : [Path.Combine(user, ".aws", "credentials"), Path.Combine(user, ".aws", "config")];
    }
}
