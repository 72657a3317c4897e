namespace Dstack.Runtime.Tests.Aws.Fake;

/// <summary>One call the fake answered, kept so that a test can assert what was asked and what was created.</summary>
/// <param name="Action">The <c>Action</c> parameter (empty when the request had none).</param>
/// <param name="Region">The region of the request's credential scope (empty when it was not signed).</param>
/// <param name="Parameters">Every parameter of the request but <c>Action</c> and <c>Version</c>.</param>
/// <param name="Status">The HTTP status the fake answered with.</param>
/// <param name="ErrorCode">The EC2 error code when it answered with an error, otherwise null.</param>
public sealed record Ec2Call(string Action, string Region, IReadOnlyDictionary<string, string> Parameters, int Status, string? ErrorCode)
{
    /// <summary>A parameter's value by its full flattened name, or null.</summary>
    public string? this[string name] => Parameters.TryGetValue(name, out var value) ? value : null;
}
