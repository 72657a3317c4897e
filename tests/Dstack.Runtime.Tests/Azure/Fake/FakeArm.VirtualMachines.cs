using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dstack.Runtime.Tests.CloudFakes;
using Microsoft.AspNetCore.Http;

namespace Dstack.Runtime.Tests.Azure.Fake;

/// <summary>VMs: PUT (with the NIC and public IP made inside it), GET, DELETE, their operations, and their public IPs.</summary>
public sealed partial class FakeArm
{
    private const string ComputeApi = "2022-11-01";

    private static readonly Regex VmPath = new(@"^/subscriptions/(?<sub>[^/]+)/resourceGroups/(?<rg>[^/]+)/providers/Microsoft\.Compute/virtualMachines/(?<name>[^/]+)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    private static readonly Regex OperationPath = new(@"^/subscriptions/(?<sub>[^/]+)/providers/Microsoft\.Compute/locations/(?<loc>[^/]+)/operations/(?<op>[^/]+)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    private static readonly Regex PublicIpPath = new(@"^/subscriptions/(?<sub>[^/]+)/resourceGroups/(?<rg>[^/]+)/providers/Microsoft\.Network/publicIPAddresses/(?<name>[^/]+)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    private readonly Dictionary<string, FakeVm> _vms = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, FakeOperation> _operations = new(StringComparer.Ordinal);
    private readonly List<(string Size, string Code)> _faults = [];
    private readonly FakeHolds<HttpRequest> _holds = new();

    /// <summary>The VMs that exist now (a failed allocation's VM included, until it is deleted).</summary>
    public IReadOnlyList<FakeVm> LiveVms
    {
        get
        {
            lock (_gate)
            {
                return [.. _vms.Values];
            }
        }
    }

    /// <summary>
    /// The next create of <paramref name="size"/> fails with ARM's <paramref name="code"/>: <c>SkuNotAvailable</c> as the
    /// PUT's 409; any other (<c>AllocationFailed</c>, <c>ZonalAllocationFailed</c>) as the failed operation, which leaves
    /// the VM in provisioning state Failed, as ARM does.
    /// </summary>
    public void FailNextCreate(string size, string code)
    {
        lock (_gate)
        {
            _faults.Add((size, code));
        }
    }

    /// <summary>Holds the next VM request (a PUT of a VM) until the test releases it (see <see cref="FakeHold"/>).</summary>
    public FakeHold HoldNextCreate() =>
        _holds.Add(request => request.Method == "PUT" && (request.Path.Value ?? "/").Contains("/virtualMachines/", StringComparison.OrdinalIgnoreCase));

    private (int, JsonNode?, IReadOnlyList<(string, string)>)? VmAnswer(string method, string path, string body)
    {
        if (VmPath.Match(path) is { Success: true } vm)
        {
            return SubscriptionMismatch(vm) ?? method switch
            {
                "PUT" => CreateVm(vm.Groups["rg"].Value, vm.Groups["name"].Value, body),
                "GET" => GetVm(path),
                "DELETE" => DeleteVm(path),
                _ => Error(405, "MethodNotAllowed", $"{method} on a VM"),
            };
        }

        if (OperationPath.Match(path) is { Success: true } operation && method == "GET")
        {
            return Poll(operation.Groups["op"].Value);
        }

        if (PublicIpPath.Match(path) is { Success: true } ip && method == "GET")
        {
            return PublicIp(ip.Groups["rg"].Value, ip.Groups["name"].Value);
        }

        return null;
    }

    private (int, JsonNode?, IReadOnlyList<(string, string)>) CreateVm(string group, string name, string body)
    {
        var request = JsonNode.Parse(body)!.AsObject();
        var properties = request["properties"]!;
        var size = (string?)properties["hardwareProfile"]?["vmSize"] ?? string.Empty;
        var region = (string?)request["location"] ?? string.Empty;
        var nic = properties["networkProfile"]?["networkInterfaceConfigurations"]?[0];
        var ip = nic?["properties"]?["ipConfigurations"]?[0]?["properties"]?["publicIPAddressConfiguration"];
        var id = $"/subscriptions/{SubscriptionId}/resourceGroups/{group}/providers/Microsoft.Compute/virtualMachines/{name}";
        lock (_gate)
        {
            if (!_groups.ContainsKey(group))
            {
                return Error(404, "ResourceGroupNotFound", $"Resource group '{group}' could not be found.");
            }

            if ((SpotPriceRefusal(size, properties) ?? PlacementRefusal(properties)) is { } refusal)
            {
                return refusal;
            }

            var fault = _faults.FindIndex(f => f.Size == size);
            var code = fault >= 0 ? _faults[fault].Code : null;
            if (fault >= 0)
            {
                _faults.RemoveAt(fault);
            }

            if (code == "SkuNotAvailable")
            {
                return Error(409, code, $"The requested VM size for resource 'Following SKUs have failed for Capacity Restrictions: {size}' is currently not available in location '{region}'. Please try another size or deploy to a different location or zones.");
            }

            var created = new FakeVm
            {
                Id = id,
                ResourceGroup = group,
                Name = name,
                Region = region,
                Size = size,
                Request = request,
                NicName = (string?)nic?["name"],
                PublicIpName = (string?)ip?["name"],
            };
            _vms[id] = created;
            var operation = NewOperation(code, code is null ? "" : "Allocation failed. We do not have sufficient capacity for the requested VM size in this region.");
            operation.Done = succeeded =>
            {
                created.ProvisioningState = succeeded ? "Succeeded" : "Failed";
                if (succeeded)
                {
                    var key = (string?)properties["osProfile"]?["linuxConfiguration"]?["ssh"]?["publicKeys"]?[0]?["keyData"];
                    var data = (string?)properties["osProfile"]?["customData"];
                    created.Machine = _machines.Acquire(new FakeMachineRequest(name, size, key, data is null ? null : Encoding.UTF8.GetString(Convert.FromBase64String(data)), UnreachableMachines));
                }
            };
            return (201, VmJson(created), AsyncHeaders(region, operation.Id));
        }
    }

    private (int, JsonNode?, IReadOnlyList<(string, string)>) GetVm(string path)
    {
        lock (_gate)
        {
            return _vms.TryGetValue(Canonical(path), out var vm) ? (200, VmJson(vm), []) : NotFound("Microsoft.Compute/virtualMachines", path);
        }
    }

    private (int, JsonNode?, IReadOnlyList<(string, string)>) DeleteVm(string path)
    {
        FakeMachine? machine;
        lock (_gate)
        {
            if (!_vms.Remove(Canonical(path), out var vm))
            {
                return (204, null, []);
            }

            machine = vm.Machine;
            var operation = NewOperation(null, string.Empty);
            operation.Polls = InProgressPolls;
            operation.Done = _ => { };
            if (machine is not null)
            {
                // Released outside the lock below: a netns machine's teardown takes a moment.
                vm.Machine = null;
            }

            var headers = AsyncHeaders(vm.Region, operation.Id);
            _ = Task.Run(() =>
            {
                if (machine is not null)
                {
                    _machines.Release(machine);
                }
            });
            return (202, null, headers);
        }
    }

    private (int, JsonNode?, IReadOnlyList<(string, string)>) Poll(string id)
    {
        lock (_gate)
        {
            if (!_operations.TryGetValue(id, out var operation))
            {
                return Error(404, "OperationNotFound", $"The operation '{id}' was not found.");
            }

            var status = operation.Polls++ < InProgressPolls ? "InProgress" : operation.FailureCode is null ? "Succeeded" : "Failed";
            if (status != "InProgress" && !operation.Finished)
            {
                operation.Finished = true;
                operation.Done?.Invoke(status == "Succeeded");
            }

            var answer = new JsonObject { ["name"] = id, ["status"] = status, ["startTime"] = DateTimeOffset.UtcNow.ToString("o") };
            if (status == "Failed")
            {
                answer["error"] = new JsonObject { ["code"] = operation.FailureCode, ["message"] = operation.FailureMessage };
            }

            return (200, answer, [("Retry-After", "0")]);
        }
    }

    private (int, JsonNode?, IReadOnlyList<(string, string)>) PublicIp(string group, string name)
    {
        lock (_gate)
        {
            var vm = _vms.Values.FirstOrDefault(v => string.Equals(v.ResourceGroup, group, StringComparison.OrdinalIgnoreCase) && v.PublicIpName == name);
            if (vm is null)
            {
                return NotFound("Microsoft.Network/publicIPAddresses", $"/resourceGroups/{group}/providers/Microsoft.Network/publicIPAddresses/{name}");
            }

            var properties = new JsonObject { ["provisioningState"] = "Succeeded", ["publicIPAllocationMethod"] = "Static", ["publicIPAddressVersion"] = "IPv4" };
            if (vm.Machine is { } machine)
            {
                properties["ipAddress"] = machine.PublicIpAddress;
            }

            return (200, new JsonObject
            {
                ["id"] = $"/subscriptions/{SubscriptionId}/resourceGroups/{group}/providers/Microsoft.Network/publicIPAddresses/{name}",
                ["name"] = name,
                ["type"] = "Microsoft.Network/publicIPAddresses",
                ["location"] = vm.Region,
                ["sku"] = new JsonObject { ["name"] = "Standard" },
                ["properties"] = properties,
            }, []);
        }
    }

    private FakeOperation NewOperation(string? failureCode, string failureMessage)
    {
        var operation = new FakeOperation($"op-{Interlocked.Increment(ref _sequence)}", failureCode, failureMessage);
        _operations[operation.Id] = operation;
        return operation;
    }

    private List<(string, string)> AsyncHeaders(string region, string operation) =>
    [
        ("Azure-AsyncOperation", $"{Url}subscriptions/{SubscriptionId}/providers/Microsoft.Compute/locations/{region}/operations/{operation}?api-version={ComputeApi}"),
        ("Retry-After", "0"),
    ];

    private static string Canonical(string path) => VmPath.Match(path) is { Success: true } m
        ? $"/subscriptions/{SubscriptionId}/resourceGroups/{m.Groups["rg"].Value}/providers/Microsoft.Compute/virtualMachines/{m.Groups["name"].Value}"
        : path;

    private static JsonObject VmJson(FakeVm vm)
    {
        var json = vm.Request.DeepClone().AsObject();
        json["id"] = vm.Id;
        json["name"] = vm.Name;
        json["type"] = "Microsoft.Compute/virtualMachines";
        var properties = json["properties"]!.AsObject();
        properties["provisioningState"] = vm.ProvisioningState;
        properties["vmId"] = Guid.NewGuid().ToString();
        properties["osProfile"]?.AsObject().Remove("customData");
        return json;
    }

    private static (int, JsonNode?, IReadOnlyList<(string, string)>) NotFound(string type, string path) =>
        Error(404, "ResourceNotFound", $"The Resource '{type}/{path[(path.LastIndexOf('/') + 1)..]}' was not found.");

    private sealed class FakeOperation(string id, string? failureCode, string failureMessage)
    {
        public string Id { get; } = id;

        public string? FailureCode { get; } = failureCode;

        public string FailureMessage { get; } = failureMessage;

        public int Polls { get; set; }

        public bool Finished { get; set; }

        public Action<bool>? Done { get; set; }
    }
}
