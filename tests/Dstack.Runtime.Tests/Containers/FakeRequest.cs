namespace Dstack.Runtime.Tests.Containers;

/// <summary>One request the fake engine got: its method, raw target (as sent, still escaped), decoded path, query, headers and body.</summary>
public sealed record FakeRequest(string Method, string Target, string Path, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public override string ToString() => $"{Method} {Target}";
}
