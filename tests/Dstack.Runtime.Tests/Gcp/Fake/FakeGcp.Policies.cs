using System.Net;
using System.Text.Json.Nodes;

namespace Dstack.Runtime.Tests.Gcp.Fake;

/// <summary>
/// The fake's resource policies (<c>projects/P/regions/R/resourcePolicies[/NAME]</c>): insert (a regional operation),
/// get, and delete, refused with <c>resourceInUseByAnotherResource</c> while an instance's <c>resourcePolicies</c>
/// names the policy; an instance that names a policy that does not exist is refused.
/// </summary>
public sealed partial class FakeGcp
{
    private readonly Dictionary<string, JsonObject> _policies = new(StringComparer.Ordinal);

    /// <summary>The resource policies that exist now, by region/name.</summary>
    public IReadOnlyDictionary<string, JsonObject> ResourcePolicies
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, JsonObject>(_policies, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>The instance that uses the policy, or null.</summary>
    private string? PolicyUser(string region, string name)
    {
        lock (_gate)
        {
            return _instances.Values.FirstOrDefault(i => PoliciesOf(i.Body).Contains($"{region}/{name}"))?.Name;
        }
    }

    /// <summary>The region/name of each policy an instance body names (<c>…/regions/R/resourcePolicies/NAME</c>).</summary>
    private static List<string> PoliciesOf(JsonObject body) =>
        [.. (body["resourcePolicies"] as JsonArray ?? []).Select(p => ((string?)p ?? string.Empty).Split('/')).Where(p => p.Length >= 4 && p[^2] == "resourcePolicies" && p[^4] == "regions").Select(p => $"{p[^3]}/{p[^1]}")];

    private (HttpStatusCode, JsonObject?) GetPolicy(string region, string name)
    {
        lock (_gate)
        {
            return _policies.TryGetValue($"{region}/{name}", out var policy) ? (HttpStatusCode.OK, policy.DeepClone().AsObject()) : (HttpStatusCode.NotFound, null);
        }
    }

    private (HttpStatusCode, JsonObject?) InsertPolicy(string region, JsonObject body)
    {
        var name = (string?)body["name"] ?? string.Empty;
        lock (_gate)
        {
            if (_policies.ContainsKey($"{region}/{name}"))
            {
                return (HttpStatusCode.Conflict, null);
            }

            var policy = body.DeepClone().AsObject();
            policy["kind"] = "compute#resourcePolicy";
            policy["region"] = region;
            policy["status"] = "READY";
            _policies[$"{region}/{name}"] = policy;
            return (HttpStatusCode.OK, Operation("insert", null, name, null));
        }
    }

    private (HttpStatusCode, JsonObject?) DeletePolicy(string region, string name)
    {
        lock (_gate)
        {
            return _policies.Remove($"{region}/{name}") ? (HttpStatusCode.OK, Operation("delete", null, name, null)) : (HttpStatusCode.NotFound, null);
        }
    }
}
