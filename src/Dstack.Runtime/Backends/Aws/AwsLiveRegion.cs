namespace Dstack.Runtime.Backends.Aws;

/// <summary>What EC2 answered for one region: the instance types it offers now and their latest Linux spot prices.</summary>
/// <param name="Offered">The instance types <c>DescribeInstanceTypeOfferings</c> lists in the region.</param>
/// <param name="SpotPrices">The latest spot price per instance type (the lowest of its zones), dollars per hour.</param>
public sealed record AwsLiveRegion(IReadOnlySet<string> Offered, IReadOnlyDictionary<string, decimal> SpotPrices);
