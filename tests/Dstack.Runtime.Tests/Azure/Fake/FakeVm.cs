using System.Text.Json.Nodes;
using Dstack.Runtime.Tests.CloudFakes;

namespace Dstack.Runtime.Tests.Azure.Fake;

/// <summary>A VM of <see cref="FakeArm"/>: what was asked for, its state, its machine and the NIC and public IP ARM made in it.</summary>
public sealed class FakeVm
{
    public required string Id { get; init; }

    public required string ResourceGroup { get; init; }

    public required string Name { get; init; }

    public required string Region { get; init; }

    public required string Size { get; init; }

    /// <summary>The request's body, as sent.</summary>
    public required JsonObject Request { get; init; }

    /// <summary><c>Creating</c>, <c>Succeeded</c> or <c>Failed</c> (a failed allocation leaves the VM, as ARM does).</summary>
    public string ProvisioningState { get; set; } = "Creating";

    public FakeMachine? Machine { get; set; }

    /// <summary>The name of the public IP made inside the request; null without one.</summary>
    public string? PublicIpName { get; init; }

    public string? NicName { get; init; }

    public bool Spot => (string?)Request["properties"]?["priority"] == "Spot";
}
