namespace Dstack.Runtime.Tests.Aws.Fake;

/// <summary>One call to <see cref="FakeAwsIdentity"/>: the action, why it was refused (null when it was answered), its parameters.</summary>
public sealed record IdentityCall(string Action, string? Refused, IReadOnlyDictionary<string, string> Parameters);
