namespace Dstack.Runtime.Tests.CloudFakes;

/// <summary>What an instance is, once <see cref="IFakeMachineProvider"/> gave it: its addresses.</summary>
/// <param name="InstanceId">The instance it was given for.</param>
/// <param name="PublicIpAddress">What the fake answers as the public address (e.g. EC2's <c>DescribeInstances</c>).</param>
/// <param name="PrivateIpAddress">What it answers as the private address.</param>
public sealed record FakeMachine(string InstanceId, string PublicIpAddress, string PrivateIpAddress);
