using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dstack.Runtime.Tests.CloudFakes;
using Microsoft.AspNetCore.Http;

namespace Dstack.Runtime.Tests.Gcp.Fake;

/// <summary>
/// Compute Engine v1 on the fake: <c>/compute/v1/projects/{project}/zones/{zone}/instances[/{name}]</c>,
/// <c>…/zones/{zone}/operations/{op}/wait</c>, <c>…/global/firewalls[/{name}]</c>, <c>…/global/operations/{op}/wait</c>,
/// <c>…/zones/{zone}/machineTypes</c> and <c>…/acceleratorTypes</c>, with the API's JSON resources and operations. Every
/// call needs a bearer token the token endpoint handed out. Operations start RUNNING and are DONE at their first wait.
/// </summary>
public sealed partial class FakeGcp
{
    private readonly Dictionary<string, FakeGcpInstance> _instances = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _firewalls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _operations = new(StringComparer.Ordinal);
    private readonly List<GcpCall> _calls = [];
    private readonly Queue<(string? Zone, string Code)> _insertFaults = new();
    private int _sequence;
    private readonly FakeHolds<GcpCall> _holds = new();

    /// <summary>The API root clients are given (<c>{Url}/compute/v1/</c>).</summary>
    public Uri ComputeUri => new(Url + "/compute/v1/");

    /// <summary>How many GETs show a new instance PROVISIONING before it is RUNNING.</summary>
    public int ProvisioningGets { get; set; } = 1;

    /// <summary>How many waits on an instance insert's (zone) operation answer it still RUNNING (each after 200 ms, as a wait that timed out) before it is DONE.</summary>
    public int RunningWaits { get; set; }

    /// <summary>True: the machines of new instances never answer SSH (their link is cut).</summary>
    public bool UnreachableMachines { get; set; }

    /// <summary>The machine types of every zone (machineTypes.list).</summary>
    public IReadOnlyList<(string Name, int Cpus, int MemoryMb)> MachineTypes { get; set; } = [("n1-standard-4", 4, 15360), ("g2-standard-4", 4, 16384)];

    /// <summary>Every Compute Engine call, in order.</summary>
    public IReadOnlyList<GcpCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>The instances that exist now, by zone/name.</summary>
    public IReadOnlyList<FakeGcpInstance> LiveInstances
    {
        get
        {
            lock (_gate)
            {
                return [.. _instances.Values];
            }
        }
    }

    /// <summary>The next insert (in <paramref name="zone"/>, or any) ends its operation with <paramref name="code"/> and makes nothing.</summary>
    public void FailNextInsert(string code, string? zone = null)
    {
        lock (_gate)
        {
            _insertFaults.Enqueue((zone, code));
        }
    }

    /// <summary>Holds the next instance insert until the test releases it (see <see cref="FakeHold"/>); released, it is carried out even when its client is gone.</summary>
    public FakeHold HoldNextInsert() =>
        _holds.Add(call => call is { Method: "POST", Collection: "instances", Name: null });

    [GeneratedRegex(@"^/compute/v1/projects/(?<project>[a-z0-9-]+)/(?:zones/(?<zone>[a-z0-9-]+)|regions/(?<region>[a-z0-9-]+)|(?<global>global)|(?<aggregated>aggregated))/(?<collection>instances|operations|firewalls|machineTypes|acceleratorTypes|resourcePolicies)(?:/(?<name>[a-zA-Z0-9-]+))?(?<wait>/wait)?$")]
    private static partial Regex ComputePath();

    private async Task ComputeAsync(HttpContext context)
    {
        var match = ComputePath().Match(context.Request.Path.Value ?? string.Empty);
        var bearer = context.Request.Headers.Authorization.ToString();
        if (!bearer.StartsWith("Bearer ", StringComparison.Ordinal) || !IsAccessToken(bearer["Bearer ".Length..]))
        {
            await ErrorAsync(context, HttpStatusCode.Unauthorized, "Request had invalid authentication credentials. Expected OAuth 2 access token.", "authError", "UNAUTHENTICATED").ConfigureAwait(false);
            return;
        }

        if (!match.Success)
        {
            await ErrorAsync(context, HttpStatusCode.NotFound, $"The resource '{context.Request.Path}' was not found", "notFound").ConfigureAwait(false);
            return;
        }

        JsonObject? body = null;
        if (context.Request.ContentLength is > 0 || context.Request.Headers.ContentType.ToString().Contains("json", StringComparison.Ordinal))
        {
            body = JsonNode.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync().ConfigureAwait(false)) as JsonObject;
        }

        var zone = match.Groups["zone"].Success ? match.Groups["zone"].Value : null;
        var region = match.Groups["region"].Success ? match.Groups["region"].Value : null;
        var aggregated = match.Groups["aggregated"].Success;
        var name = match.Groups["name"].Success ? match.Groups["name"].Value : null;
        var collection = match.Groups["collection"].Value;
        var call = new GcpCall(context.Request.Method, collection, zone ?? region, name, body) { Aggregated = aggregated };
        lock (_gate)
        {
            _calls.Add(call);
        }

        if (aggregated && ListFailure is { } failure)
        {
            await ErrorAsync(context, failure, $"Required 'compute.{collection}.list' permission for 'projects/{match.Groups["project"].Value}'", failure == HttpStatusCode.Forbidden ? "forbidden" : "authError").ConfigureAwait(false);
            return;
        }

        if (context.Request.Method == "DELETE" && collection == "resourcePolicies" && name is not null && PolicyUser(region!, name) is { } user)
        {
            await ErrorAsync(context, HttpStatusCode.BadRequest, $"The resource_policy resource 'projects/{match.Groups["project"].Value}/regions/{region}/resourcePolicies/{name}' is already being used by 'projects/{match.Groups["project"].Value}/zones/-/instances/{user}'", "resourceInUseByAnotherResource").ConfigureAwait(false);
            return;
        }

        if (_holds.Take(call) is { } hold)
        {
            await hold.HoldAsync(context.RequestAborted).ConfigureAwait(false);
        }

        if (match.Groups["wait"].Success && name is not null && StillRunning(name) is { } running)
        {
            await Task.Delay(200).ConfigureAwait(false);
            context.Response.ContentType = "application/json; charset=UTF-8";
            await context.Response.WriteAsync(running.ToJsonString()).ConfigureAwait(false);
            return;
        }

        var (status, answer) = (context.Request.Method, collection, name, match.Groups["wait"].Success) switch
        {
            ("GET", "machineTypes" or "acceleratorTypes", null, false) when aggregated => (HttpStatusCode.OK, AggregatedList(collection, context.Request.Query["pageToken"].ToString())),
            ("GET", "resourcePolicies", not null, false) => GetPolicy(region!, name),
            ("POST", "resourcePolicies", null, false) => InsertPolicy(region!, body!),
            ("DELETE", "resourcePolicies", not null, false) => DeletePolicy(region!, name),
            ("POST", "instances", null, false) => Insert(zone!, body!),
            ("GET", "instances", not null, false) => GetInstance(zone!, name),
            ("DELETE", "instances", not null, false) => Delete(zone!, name),
            ("POST", "operations", not null, true) => Wait(name),
            ("GET", "firewalls", not null, false) => GetFirewall(name),
            ("POST", "firewalls", null, false) => InsertFirewall(body!),
            ("GET", "machineTypes", null, false) => (HttpStatusCode.OK, ListMachineTypes(zone!)),
            ("GET", "acceleratorTypes", null, false) => (HttpStatusCode.OK, new JsonObject { ["kind"] = "compute#acceleratorTypeList", ["items"] = new JsonArray() }),
            _ => (HttpStatusCode.BadRequest, null),
        };
        if (answer is null)
        {
            await ErrorAsync(context, status, status == HttpStatusCode.NotFound ? $"The resource '{name}' was not found" : "Invalid request", status == HttpStatusCode.NotFound ? "notFound" : "invalid").ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.WriteAsync(answer.ToJsonString()).ConfigureAwait(false);
    }

    /// <summary>The operation as a wait answers it while it counts down <see cref="RunningWaits"/> (inserts only); null once it may end.</summary>
    private JsonObject? StillRunning(string operation)
    {
        lock (_gate)
        {
            if (!_operations.TryGetValue(operation, out var found) || (string?)found["operationType"] != "insert" || found["zone"] is null || (string?)found["status"] == "DONE")
            {
                return null;
            }

            var waits = (int?)found["fakeWaits"] ?? 0;
            if (waits >= RunningWaits)
            {
                return null;
            }

            found["fakeWaits"] = waits + 1;
            var answer = found.DeepClone().AsObject();
            answer.Remove("fakeWaits");
            return answer;
        }
    }

    private (HttpStatusCode, JsonObject?) Insert(string zone, JsonObject body)
    {
        var name = (string?)body["name"] ?? string.Empty;
        lock (_gate)
        {
            if (_instances.ContainsKey($"{zone}/{name}"))
            {
                return (HttpStatusCode.Conflict, null);
            }

            if (PoliciesOf(body).Any(p => !_policies.ContainsKey(p)))
            {
                return (HttpStatusCode.NotFound, null);
            }

            if (_insertFaults.TryPeek(out var fault) && (fault.Zone is null || fault.Zone == zone))
            {
                _insertFaults.Dequeue();
                return (HttpStatusCode.OK, Operation("insert", zone, name, fault.Code));
            }
        }

        var instance = new FakeGcpInstance(zone, name, body) { ProvisioningGetsLeft = ProvisioningGets };
        var (natIp, networkIp) = ("127.0.0.1", "10.128.0.2");
        if (_machines is not null)
        {
            // The project key from the ssh-keys metadata ("user:ssh-ed25519 AAAA… comment"), as the guest agent reads it.
            var sshKeys = (body["metadata"]?["items"] as JsonArray)?.FirstOrDefault(i => (string?)i?["key"] == "ssh-keys");
            var key = ((string?)sshKeys?["value"])?.Split(':', 2) is [_, var line] ? line : null;
            var userData = (string?)(body["metadata"]?["items"] as JsonArray)?.FirstOrDefault(i => (string?)i?["key"] == "user-data")?["value"];
            try
            {
                instance.Machine = _machines.Acquire(new FakeMachineRequest(instance.Id, (string?)body["machineType"] ?? string.Empty, key, userData, UnreachableMachines));
                (natIp, networkIp) = (instance.Machine.PublicIpAddress, instance.Machine.PrivateIpAddress);
            }
            catch (FakeCapacityException)
            {
                lock (_gate)
                {
                    return (HttpStatusCode.OK, Operation("insert", zone, name, "ZONE_RESOURCE_POOL_EXHAUSTED"));
                }
            }
        }

        var nic = new JsonObject { ["network"] = "global/networks/default", ["networkIP"] = networkIp };
        nic["accessConfigs"] = new JsonArray(new JsonObject { ["type"] = "ONE_TO_ONE_NAT", ["name"] = "External NAT", ["natIP"] = natIp });
        instance.Nic = nic;
        lock (_gate)
        {
            _instances[$"{zone}/{name}"] = instance;
            return (HttpStatusCode.OK, Operation("insert", zone, name, null));
        }
    }

    private (HttpStatusCode, JsonObject?) GetInstance(string zone, string name)
    {
        lock (_gate)
        {
            if (!_instances.TryGetValue($"{zone}/{name}", out var instance))
            {
                return (HttpStatusCode.NotFound, null);
            }

            var status = instance.ProvisioningGetsLeft-- > 0 ? "PROVISIONING" : "RUNNING";
            var answer = instance.Body.DeepClone().AsObject();
            answer["kind"] = "compute#instance";
            answer["id"] = instance.Id;
            answer["status"] = status;
            answer["zone"] = $"{Url}/compute/v1/projects/p/zones/{zone}";
            answer["networkInterfaces"] = new JsonArray(instance.Nic.DeepClone());
            return (HttpStatusCode.OK, answer);
        }
    }

    private (HttpStatusCode, JsonObject?) Delete(string zone, string name)
    {
        FakeGcpInstance? removed;
        JsonObject operation;
        lock (_gate)
        {
            if (!_instances.Remove($"{zone}/{name}", out removed))
            {
                return (HttpStatusCode.NotFound, null);
            }

            operation = Operation("delete", zone, name, null);
        }

        if (removed.Machine is { } machine)
        {
            _machines!.Release(machine);
        }

        return (HttpStatusCode.OK, operation);
    }

    private (HttpStatusCode, JsonObject?) Wait(string name)
    {
        lock (_gate)
        {
            if (!_operations.TryGetValue(name, out var operation))
            {
                return (HttpStatusCode.NotFound, null);
            }

            operation["status"] = "DONE";
            operation["progress"] = 100;
            return (HttpStatusCode.OK, operation.DeepClone().AsObject());
        }
    }

    private (HttpStatusCode, JsonObject?) GetFirewall(string name)
    {
        lock (_gate)
        {
            return _firewalls.TryGetValue(name, out var firewall) ? (HttpStatusCode.OK, firewall.DeepClone().AsObject()) : (HttpStatusCode.NotFound, null);
        }
    }

    private (HttpStatusCode, JsonObject?) InsertFirewall(JsonObject body)
    {
        var name = (string?)body["name"] ?? string.Empty;
        lock (_gate)
        {
            if (_firewalls.ContainsKey(name))
            {
                return (HttpStatusCode.Conflict, null);
            }

            _firewalls[name] = body;
            return (HttpStatusCode.OK, Operation("insert", null, name, null));
        }
    }

    private JsonObject ListMachineTypes(string zone) => new()
    {
        ["kind"] = "compute#machineTypeList",
        ["items"] = new JsonArray([.. MachineTypes.Select(t => (JsonNode)new JsonObject { ["kind"] = "compute#machineType", ["name"] = t.Name, ["guestCpus"] = t.Cpus, ["memoryMb"] = t.MemoryMb, ["zone"] = zone })]),
    };

    /// <summary>A new operation, RUNNING until its first wait; <paramref name="error"/> makes it end with that code.</summary>
    private JsonObject Operation(string type, string? zone, string target, string? error)
    {
        var name = $"operation-{Interlocked.Increment(ref _sequence)}-{type}";
        var operation = new JsonObject
        {
            ["kind"] = "compute#operation",
            ["id"] = _sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["name"] = name,
            ["operationType"] = type,
            ["targetLink"] = target,
            ["status"] = "RUNNING",
            ["progress"] = 0,
        };
        if (zone is not null)
        {
            operation["zone"] = zone;
        }

        if (error is not null)
        {
            operation["error"] = new JsonObject { ["errors"] = new JsonArray(new JsonObject { ["code"] = error, ["message"] = $"The zone '{zone}' does not have enough resources available to fulfill the request. ({error})" }) };
            operation["httpErrorStatusCode"] = 503;
        }

        _operations[name] = operation;
        return operation.DeepClone().AsObject();
    }

    private static string Project(JsonObject body) => (string?)body["labels"]?["dstack_project"] ?? "p";
}

/// <summary>An instance of the fake: its zone, name, the body it was inserted with, and the machine it is.</summary>
public sealed record FakeGcpInstance(string Zone, string Name, JsonObject Body)
{
    public string Id { get; } = Random.Shared.NextInt64(1, long.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public JsonObject Nic { get; set; } = [];

    /// <summary>The machine it is, with a machine provider; null without one.</summary>
    public FakeMachine? Machine { get; set; }

    public int ProvisioningGetsLeft { get; set; }
}

/// <summary>One Compute Engine call: the method, the collection, the zone or region (null for global), the resource name, the body.</summary>
public sealed record GcpCall(string Method, string Collection, string? Zone, string? Name, JsonObject? Body)
{
    /// <summary>True for an aggregated list (<c>projects/P/aggregated/…</c>).</summary>
    public bool Aggregated { get; init; }
}
