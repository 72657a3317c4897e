namespace Dstack.Runtime.Tests.CloudFakes;

/// <summary>What a fake's create call (e.g. EC2's <c>RunInstances</c>) asks <see cref="IFakeMachineProvider"/> for, one instance at a time.</summary>
/// <param name="InstanceId">The new instance's id.</param>
/// <param name="InstanceType">Its instance type (machine type, VM size).</param>
/// <param name="PublicKey">The OpenSSH public key line it is given (e.g. decoded from EC2's ImportKeyPair), or null without one.</param>
/// <param name="UserData">Its user data, decoded from base64, or null.</param>
/// <param name="Unreachable">True when the test asked for a machine whose SSH never answers.</param>
public sealed record FakeMachineRequest(string InstanceId, string InstanceType, string? PublicKey, string? UserData, bool Unreachable);
