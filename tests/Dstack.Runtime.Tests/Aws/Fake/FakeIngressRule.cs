namespace Dstack.Runtime.Tests.Aws.Fake;

/// <summary>One ingress rule of a <see cref="FakeSecurityGroup"/>.</summary>
/// <param name="RuleId">E.g. <c>sgr-0123456789abcdef0</c>.</param>
/// <param name="Protocol"><c>tcp</c>, <c>udp</c>, <c>icmp</c> or <c>-1</c> (all).</param>
/// <param name="FromPort">The first port (-1 for all).</param>
/// <param name="ToPort">The last port (-1 for all).</param>
/// <param name="CidrIp">The IPv4 range it admits.</param>
public sealed record FakeIngressRule(string RuleId, string Protocol, int FromPort, int ToPort, string CidrIp);
