using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure.Core.Pipeline;
using Dstack.Runtime.Backends.Azure;
using Dstack.Runtime.Tests.CloudFakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dstack.Runtime.Tests.Azure.Fake;

/// <summary>
/// A fake Azure: a real HTTPS server on 127.0.0.1 (Kestrel, a certificate made in the test) that speaks what the Azure
/// SDK sends: the Microsoft Entra token endpoint (<c>POST /{tenant}/oauth2/v2.0/token</c>, client credentials) and ARM
/// (resource SKUs, resource groups, VM PUT/GET/DELETE with <c>Azure-AsyncOperation</c> polling, the public IP made inside
/// a VM request as a Microsoft.Network resource). Every ARM request needs a token it issued. VMs are machines of an
/// <see cref="IFakeMachineProvider"/> (shared by the cloud fakes, in <c>CloudFakes/</c>). Tests inject capacity faults
/// (<see cref="FailNextCreate"/>), hold a VM request in flight (<see cref="HoldNextCreate"/>), and read every call back
/// (<see cref="Calls"/>) and what is left (<see cref="LiveVms"/>).
/// </summary>
public sealed partial class FakeArm : IAsyncDisposable
{
    public const string TenantId = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

    public const string SubscriptionId = "11111111-2222-3333-4444-555555555555";

    public const string ClientId = "0b7e3c1a-0000-4000-8000-000000000001";

    public const string ClientSecret = "fake-arm-client-secret";

    private static readonly Regex TokenPath = new(@"^/(?<tenant>[^/]+)/oauth2/v2\.0/token$", RegexOptions.CultureInvariant);

    private static readonly Regex SkusPath = new(@"^/subscriptions/(?<sub>[^/]+)/providers/Microsoft\.Compute/skus$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    private static readonly Regex GroupPath = new(@"^/subscriptions/(?<sub>[^/]+)/resourcegroups/(?<rg>[^/]+)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    private readonly Lock _gate = new();
    private readonly List<ArmCall> _calls = [];
    private readonly HashSet<string> _tokens = [];
    private readonly Dictionary<string, string> _groups = new(StringComparer.OrdinalIgnoreCase);
    private readonly IFakeMachineProvider _machines;
    private readonly X509Certificate2 _certificate = FakeArmCertificate.Create();
    private readonly WebApplication _app;
    private int _sequence;

    private FakeArm(IFakeMachineProvider machines)
    {
        _machines = machines;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(_certificate)));
        _app = builder.Build();
        _app.Run(HandleAsync);
        Transport = new HttpClientTransport(new HttpClientHandler
        {
            // Trusts this fake's certificate only (the product never replaces validation).
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.Thumbprint == _certificate.Thumbprint,
        });
    }

    /// <summary>The base address, <c>https://127.0.0.1:PORT/</c>: ARM's endpoint and the sign-in (authority) host.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>A transport that trusts this fake's certificate, for the SDK's clients in tests.</summary>
    public HttpClientTransport Transport { get; }

    /// <summary>The fake's certificate as PEM, for a CLI process to trust through <c>SSL_CERT_FILE</c>.</summary>
    public string CertificatePem => _certificate.ExportCertificatePem();

    /// <summary>What a CLI process needs to use this fake as Azure: ARM's endpoint, the sign-in host, the trusted certificate file.</summary>
    public Dictionary<string, string> Environment(string certificateFile)
    {
        File.WriteAllText(certificateFile, CertificatePem);
        return new Dictionary<string, string>
        {
            [AzureBackend.EndpointVariable] = Url.ToString(),
            [AzureCredentialsSource.AuthorityHostVariable] = Url.ToString(),
            ["SSL_CERT_FILE"] = certificateFile,
        };
    }

    /// <summary>The resource SKUs the fake lists; a test may replace them before the first call.</summary>
    public IReadOnlyList<FakeSku> Skus { get; set; } = FakeSku.Defaults;

    /// <summary>How many polls of a VM create's operation answer InProgress before it ends (0 unless set); each such answer comes after 200 ms.</summary>
    public int InProgressPolls { get; set; }

    /// <summary>True: the machines of new VMs never answer SSH (their link is cut).</summary>
    public bool UnreachableMachines { get; set; }

    /// <summary>Every request answered so far, in order, failed ones included.</summary>
    public IReadOnlyList<ArmCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>The azure entry that signs in to this fake with its service principal.</summary>
    public AzureSettings Settings => new() { SubscriptionId = SubscriptionId, TenantId = TenantId, Client = new AzureClientSecret(ClientId, ClientSecret) };

    /// <summary>Starts a fake on a free port of 127.0.0.1, with <see cref="LoopbackMachines"/> unless given machines.</summary>
    public static async Task<FakeArm> StartAsync(IFakeMachineProvider? machines = null)
    {
        var fake = new FakeArm(machines ?? new LoopbackMachines());
        await fake._app.StartAsync().ConfigureAwait(false);
        var address = fake._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        fake.Url = new Uri(address.EndsWith('/') ? address : address + "/");
        return fake;
    }

    /// <summary>A real client of this fake: the product's credential (its authority host set to the fake) and ARM client.</summary>
    public AzureCompute NewCompute(AzureSettings? settings = null)
    {
        settings ??= Settings;
        var credential = AzureCredentialsSource.Create(settings, name => name == AzureCredentialsSource.AuthorityHostVariable ? Url.ToString() : null, Transport);
        return new AzureCompute(settings, credential, Url, Transport);
    }

    public async ValueTask DisposeAsync()
    {
        _holds.ReleaseAll();
        List<FakeMachine> left;
        lock (_gate)
        {
            left = [.. _vms.Values.Select(v => v.Machine).OfType<FakeMachine>()];
            _vms.Clear();
        }

        foreach (var machine in left)
        {
            _machines.Release(machine);
        }

        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        Transport.Dispose();
        _certificate.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        var body = await new StreamReader(request.Body, Encoding.UTF8).ReadToEndAsync().ConfigureAwait(false);
        if (_holds.Take(request) is { } hold)
        {
            await hold.HoldAsync(context.RequestAborted).ConfigureAwait(false);
        }

        if (InProgressPolls > 0 && request.Method == "GET" && OperationPath.IsMatch(path))
        {
            // A long-running create: ARM asks to poll again later; answering at once would make the client spin.
            await Task.Delay(200).ConfigureAwait(false);
        }

        var (status, answer, headers) = Answer(request.Method, path, request, body);
        lock (_gate)
        {
            _calls.Add(new ArmCall(request.Method, path, status, TokenPath.IsMatch(path) ? null : body));
        }

        context.Response.StatusCode = status;
        foreach (var (name, value) in headers)
        {
            context.Response.Headers[name] = value;
        }

        context.Response.Headers["x-ms-request-id"] = Guid.NewGuid().ToString();
        if (answer is not null)
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(answer.ToJsonString()).ConfigureAwait(false);
        }
    }

    private (int Status, JsonNode? Body, IReadOnlyList<(string, string)> Headers) Answer(string method, string path, HttpRequest request, string body)
    {
        if (TokenPath.Match(path) is { Success: true } token && method == "POST")
        {
            return Token(token.Groups["tenant"].Value, Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(body));
        }

        var authorization = request.Headers.Authorization.ToString();
        bool known;
        lock (_gate)
        {
            known = authorization.StartsWith("Bearer ", StringComparison.Ordinal) && _tokens.Contains(authorization["Bearer ".Length..]);
        }

        if (!known)
        {
            return Error(401, "InvalidAuthenticationToken", "The access token is invalid.");
        }

        if (string.IsNullOrEmpty(request.Query["api-version"]))
        {
            return Error(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
        }

        if (SkusPath.Match(path) is { Success: true } skus && method == "GET")
        {
            return SubscriptionMismatch(skus) ?? SkuList(request.Query["$filter"].ToString());
        }

        if (GroupPath.Match(path) is { Success: true } group)
        {
            return SubscriptionMismatch(group) ?? ResourceGroup(method, group.Groups["rg"].Value, body);
        }

        return VmAnswer(method, path, body) ?? InstanceViewAnswer(method, path) ?? PlacementAnswer(method, path, body) ?? NetworkAnswer(method, path, body) ?? Error(404, "NotFound", $"the fake has no route for {method} {path}");
    }

    private (int, JsonNode?, IReadOnlyList<(string, string)>) Token(string tenant, Dictionary<string, Microsoft.Extensions.Primitives.StringValues> form)
    {
        if (tenant != TenantId)
        {
            return (400, new JsonObject { ["error"] = "invalid_request", ["error_description"] = $"AADSTS90002: Tenant '{tenant}' not found." }, []);
        }

        if (form.GetValueOrDefault("grant_type") != "client_credentials" || form.GetValueOrDefault("client_id") != ClientId || form.GetValueOrDefault("client_secret") != ClientSecret)
        {
            return (401, new JsonObject { ["error"] = "invalid_client", ["error_description"] = "AADSTS7000215: Invalid client secret provided." }, []);
        }

        var issued = $"fake-arm-token-{Interlocked.Increment(ref _sequence)}";
        lock (_gate)
        {
            _tokens.Add(issued);
        }

        return (200, new JsonObject { ["token_type"] = "Bearer", ["expires_in"] = 3599, ["ext_expires_in"] = 3599, ["access_token"] = issued }, []);
    }

    private (int, JsonNode?, IReadOnlyList<(string, string)>)? SubscriptionMismatch(Match match) =>
        string.Equals(match.Groups["sub"].Value, SubscriptionId, StringComparison.OrdinalIgnoreCase)
            ? null
            : Error(404, "SubscriptionNotFound", $"The subscription '{match.Groups["sub"].Value}' could not be found.");

    private (int, JsonNode?, IReadOnlyList<(string, string)>) SkuList(string filter)
    {
        var region = Regex.Match(filter, @"location eq '(?<r>[^']+)'", RegexOptions.CultureInvariant).Groups["r"].Value;
        var items = new JsonArray();
        foreach (var sku in Skus.Where(s => region.Length == 0 || s.Region == region))
        {
            var restrictions = new JsonArray();
            if (sku.Restriction is { } reason)
            {
                restrictions.Add(new JsonObject
                {
                    ["type"] = "Location",
                    ["values"] = new JsonArray(sku.Region),
                    ["restrictionInfo"] = new JsonObject { ["locations"] = new JsonArray(sku.Region) },
                    ["reasonCode"] = reason,
                });
            }

            items.Add(new JsonObject
            {
                ["resourceType"] = "virtualMachines",
                ["name"] = sku.Name,
                ["tier"] = "Standard",
                ["size"] = sku.Name["Standard_".Length..],
                ["locations"] = new JsonArray(sku.Region),
                ["locationInfo"] = new JsonArray(new JsonObject { ["location"] = sku.Region, ["zones"] = new JsonArray("1", "2", "3") }),
                ["capabilities"] = new JsonArray(
                    new JsonObject { ["name"] = "vCPUs", ["value"] = sku.Cpus.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                    new JsonObject { ["name"] = "MemoryGB", ["value"] = sku.MemoryGb.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                    new JsonObject { ["name"] = "GPUs", ["value"] = sku.Gpus.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
                ["restrictions"] = restrictions,
            });
        }

        return (200, new JsonObject { ["value"] = items }, []);
    }

    private (int, JsonNode?, IReadOnlyList<(string, string)>) ResourceGroup(string method, string name, string body)
    {
        var id = $"/subscriptions/{SubscriptionId}/resourceGroups/{name}";
        lock (_gate)
        {
            if (method == "PUT")
            {
                var location = (string?)JsonNode.Parse(body)?["location"] ?? string.Empty;
                var created = _groups.TryAdd(name, location);
                return (created ? 201 : 200, GroupJson(id, name, _groups[name]), []);
            }

            if (method == "GET")
            {
                return _groups.TryGetValue(name, out var region) ? (200, GroupJson(id, name, region), []) : Error(404, "ResourceGroupNotFound", $"Resource group '{name}' could not be found.");
            }
        }

        return Error(405, "MethodNotAllowed", $"{method} on a resource group");
    }

    private static JsonObject GroupJson(string id, string name, string region) => new()
    {
        ["id"] = id,
        ["name"] = name,
        ["type"] = "Microsoft.Resources/resourceGroups",
        ["location"] = region,
        ["properties"] = new JsonObject { ["provisioningState"] = "Succeeded" },
    };

    private static (int, JsonNode?, IReadOnlyList<(string, string)>) Error(int status, string code, string message) =>
        (status, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } }, []);
}
