using System.Text;
using Dstack.Runtime.Tests.CloudFakes;

namespace Dstack.Runtime.Tests.Aws.Fake;

/// <summary>
/// One instance as the fake holds it at a moment. Records are replaced, never changed, so what a test reads stays as
/// it was read.
/// </summary>
public sealed record FakeInstance
{
    public required string Id { get; init; }

    public required string Region { get; init; }

    public required string ReservationId { get; init; }

    public required string ImageId { get; init; }

    public required string InstanceType { get; init; }

    public required string AvailabilityZone { get; init; }

    public required string SubnetId { get; init; }

    public required string VpcId { get; init; }

    public string? KeyName { get; init; }

    public required IReadOnlyList<string> SecurityGroupIds { get; init; }

    /// <summary>True for a spot instance (<c>InstanceMarketOptions.MarketType=spot</c>).</summary>
    public bool Spot { get; init; }

    public required string ClientToken { get; init; }

    public string? PlacementGroup { get; init; }

    public required IReadOnlyDictionary<string, string> Tags { get; init; }

    /// <summary>The user data as RunInstances carried it: base64.</summary>
    public string? UserData { get; init; }

    /// <summary>The user data decoded from base64 as UTF-8, or null.</summary>
    public string? UserDataText => UserData is null ? null : Encoding.UTF8.GetString(Convert.FromBase64String(UserData));

    public required DateTime LaunchTime { get; init; }

    /// <summary>The machine behind it; kept after release, for its addresses.</summary>
    public required FakeMachine Machine { get; init; }

    /// <summary>False when the instance was launched with <c>AssociatePublicIpAddress=false</c>.</summary>
    public bool HasPublicIp { get; init; } = true;

    public FakeInstanceState State { get; init; }

    /// <summary>The <c>stateReason</c> code, e.g. <c>Server.SpotInstanceTermination</c>, or null.</summary>
    public string? StateReason { get; init; }

    /// <summary>How many DescribeInstances answers showed it in its present state.</summary>
    public int Describes { get; init; }

    /// <summary>For an instance that vanishes by itself: after this many running describes it is terminated.</summary>
    public int? VanishAfterRunningDescribes { get; init; }

    /// <summary>True when its machine was acquired to never answer SSH.</summary>
    public bool Unreachable { get; init; }

    /// <summary>True once its machine was released.</summary>
    public bool Released { get; init; }
}
