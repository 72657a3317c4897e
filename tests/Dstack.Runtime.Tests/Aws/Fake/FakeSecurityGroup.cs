namespace Dstack.Runtime.Tests.Aws.Fake;

/// <summary>A security group: its ingress rules as (protocol, from port, to port, CIDR).</summary>
public sealed record FakeSecurityGroup(string Id, string Region, string Name, string Description, string VpcId, IReadOnlyDictionary<string, string> Tags)
{
    /// <summary>The ingress rules, in the order they were authorized.</summary>
    public IReadOnlyList<FakeIngressRule> Ingress { get; init; } = [];
}
