using System.Globalization;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;

namespace Dstack.Runtime.Backends.Aws;

/// <summary>
/// Asks EC2 what each region has now: <c>DescribeInstanceTypeOfferings</c> (which instance types the region offers),
/// <c>DescribeSpotPriceHistory</c> (the present Linux/UNIX spot price of each, the lowest of its zones) and
/// <c>DescribeInstanceTypes</c> (vCPUs, memory, GPUs, local disk), following every <c>NextToken</c>. Regions are asked
/// <see cref="Parallelism"/> at a time, each within <see cref="RegionLimit"/>; a region that fails is named with why,
/// and the others still count.
/// </summary>
/// <param name="client">The EC2 client of a region (<see cref="AwsCompute.Client"/>).</param>
public sealed class AwsLiveCatalogFetcher(Func<string, IAmazonEC2> client)
{
    /// <summary>The permissions live offers need (a refusal names them).</summary>
    public static readonly IReadOnlyList<string> Permissions = ["ec2:DescribeInstanceTypeOfferings", "ec2:DescribeSpotPriceHistory", "ec2:DescribeInstanceTypes"];

    /// <summary>How long one region may take, all its pages together.</summary>
    public TimeSpan RegionLimit { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How many regions are asked at once.</summary>
    public int Parallelism { get; init; } = 4;

    /// <summary>What EC2 answered for each region of <paramref name="regions"/>, and why each other one failed.</summary>
    public async Task<(AwsLiveCatalog Catalog, IReadOnlyList<(string Region, string Why)> Failures)> FetchAsync(IReadOnlyList<string> regions, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var answered = new Dictionary<string, AwsLiveRegion>(StringComparer.Ordinal);
        var types = new Dictionary<string, AwsLiveType>(StringComparer.Ordinal);
        var failures = new List<(string Region, string Why)>();
        await Parallel.ForEachAsync(regions, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (region, token) =>
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(token);
            limit.CancelAfter(RegionLimit);
            try
            {
                var (answer, facts) = await RegionAsync(region, now, limit.Token).ConfigureAwait(false);
                lock (answered)
                {
                    answered[region] = answer;
                    foreach (var (name, fact) in facts)
                    {
                        types[name] = fact;
                    }
                }
            }
            catch (Exception e) when (!token.IsCancellationRequested && Why(e, RegionLimit) is { } why)
            {
                lock (answered)
                {
                    failures.Add((region, why));
                }
            }
        }).ConfigureAwait(false);
        return (new AwsLiveCatalog(now, regions, answered, types), [.. failures.OrderBy(f => f.Region, StringComparer.Ordinal)]);
    }

    /// <summary>Why a region's calls failed, in words; null for an exception that is a bug (it is not caught).</summary>
    private static string? Why(Exception e, TimeSpan limit) => e switch
    {
        AmazonEC2Exception { ErrorCode: "UnauthorizedOperation" } => $"UnauthorizedOperation: the credentials may not read offers; grant {string.Join(", ", Permissions)}",
        AmazonEC2Exception ec2 => AwsCompute.Explain(ec2, string.Join(", ", Permissions)),
        OperationCanceledException => $"EC2 did not answer within {limit.TotalSeconds:0} s",
        AmazonClientException or HttpRequestException or IOException => $"EC2 could not be reached ({e.Message})",
        AmazonServiceException service => $"{service.ErrorCode ?? service.StatusCode.ToString()}: {service.Message}",
        _ => null,
    };

    private async Task<(AwsLiveRegion Region, Dictionary<string, AwsLiveType> Types)> RegionAsync(string region, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ec2 = client(region);
        var offered = new HashSet<string>(StringComparer.Ordinal);
        string? next = null;
        do
        {
            var page = await ec2.DescribeInstanceTypeOfferingsAsync(new DescribeInstanceTypeOfferingsRequest { LocationType = LocationType.Region, NextToken = next }, cancellationToken).ConfigureAwait(false);
            foreach (var offering in page.InstanceTypeOfferings ?? [])
            {
                offered.Add(offering.InstanceType.Value);
            }

            next = page.NextToken;
        }
        while (!string.IsNullOrEmpty(next));

        // The present price of each type in each zone (the latest of those answered), then the lowest of its zones.
        var latest = new Dictionary<(string Type, string Zone), (DateTime At, decimal Price)>();
        next = null;
        do
        {
            var page = await ec2.DescribeSpotPriceHistoryAsync(new DescribeSpotPriceHistoryRequest { ProductDescriptions = ["Linux/UNIX"], StartTime = now.UtcDateTime, NextToken = next }, cancellationToken).ConfigureAwait(false);
            foreach (var price in page.SpotPriceHistory ?? [])
            {
                if (price.InstanceType?.Value is not { } type || !decimal.TryParse(price.Price, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var dollars) || dollars <= 0)
                {
                    continue;
                }

                var at = price.Timestamp ?? DateTime.MinValue;
                var key = (type, price.AvailabilityZone ?? string.Empty);
                if (!latest.TryGetValue(key, out var known) || known.At < at)
                {
                    latest[key] = (at, dollars);
                }
            }

            next = page.NextToken;
        }
        while (!string.IsNullOrEmpty(next));

        var spot = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var ((type, _), (_, price)) in latest)
        {
            spot[type] = spot.TryGetValue(type, out var lower) ? Math.Min(lower, price) : price;
        }

        var types = new Dictionary<string, AwsLiveType>(StringComparer.Ordinal);
        next = null;
        do
        {
            var page = await ec2.DescribeInstanceTypesAsync(new DescribeInstanceTypesRequest { NextToken = next }, cancellationToken).ConfigureAwait(false);
            foreach (var info in page.InstanceTypes ?? [])
            {
                if (info.InstanceType?.Value is { } name && FactsOf(info) is { } facts)
                {
                    types[name] = facts;
                }
            }

            next = page.NextToken;
        }
        while (!string.IsNullOrEmpty(next));

        return (new AwsLiveRegion(offered, spot), types);
    }

    /// <summary>A type's facts as the catalog writes them; null for one without vCPUs or memory (nothing to offer).</summary>
    private static AwsLiveType? FactsOf(InstanceTypeInfo info)
    {
        var cpus = info.VCpuInfo?.DefaultVCpus ?? 0;
        var memoryMiB = info.MemoryInfo?.SizeInMiB ?? 0;
        if (cpus <= 0 || memoryMiB <= 0)
        {
            return null;
        }

        var disk = (double)(info.InstanceStorageInfo?.TotalSizeInGB ?? 0);
        var gpu = info.GpuInfo?.Gpus is { Count: > 0 } gpus ? gpus[0] : null;
        var vendor = gpu?.Manufacturer switch
        {
            { } m when m.Equals("NVIDIA", StringComparison.OrdinalIgnoreCase) => "nvidia",
            { } m when m.Equals("AMD", StringComparison.OrdinalIgnoreCase) => "amd",
            _ => null,
        };
        var count = info.GpuInfo?.Gpus?.Sum(g => g.Count ?? 0) ?? 0;
        var gpuMemoryGb = (gpu?.MemoryInfo?.SizeInMiB ?? 0) / 1024.0;
        if (gpu is null || vendor is null || count <= 0 || gpuMemoryGb <= 0 || string.IsNullOrWhiteSpace(gpu.Name))
        {
            return new AwsLiveType(cpus, memoryMiB / 1024.0, 0, string.Empty, 0, string.Empty, disk);
        }

        // EC2 writes "Radeon Pro V520"; dstack's name is the model (V520), the catalog's too.
        var name = gpu.Name.Trim().Split(' ')[^1];
        return new AwsLiveType(cpus, memoryMiB / 1024.0, count, name, gpuMemoryGb, vendor, disk);
    }
}
