namespace Dstack.Runtime.Tests.Azure.Fake;

/// <summary>One request <see cref="FakeArm"/> answered: its method, path (no query), status, and body (never the token request's).</summary>
public sealed record ArmCall(string Method, string Path, int Status, string? Body);
