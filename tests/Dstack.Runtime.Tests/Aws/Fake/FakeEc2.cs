using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Amazon.EC2;
using Amazon.Runtime;
using Dstack.Runtime.Tests.CloudFakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dstack.Runtime.Tests.Aws.Fake;

/// <summary>
/// A fake EC2 endpoint: a real HTTP server on 127.0.0.1 (Kestrel) that speaks the EC2 Query API as the AWS SDK does
/// (form-encoded POSTs of <c>Action=…&amp;Version=2016-11-15&amp;…</c>, SigV4-signed; XML answers in the
/// <c>http://ec2.amazonaws.com/doc/2016-11-15/</c> namespace), so that the real <c>AmazonEC2Client</c> in-process, or a CLI
/// process given <see cref="Environment"/>, can be tested without AWS. State is kept in memory, per region of the
/// request's credential scope. Instances are machines of an <see cref="IFakeMachineProvider"/>. Tests inject faults
/// (<see cref="FailNext"/>, <see cref="Throttle"/>, <see cref="InterruptNext"/>, <see cref="UnreachableNext"/>,
/// <see cref="HoldNext"/>) and read
/// every call back (<see cref="Calls"/>) and what is left (<see cref="LiveInstances"/>).
/// </summary>
public sealed partial class FakeEc2 : IAsyncDisposable
{
    public const string ApiVersion = "2016-11-15";

    public const string DefaultAccessKey = "AKIAFAKEEC2000000001";

    public const string DefaultSecretKey = "fake-ec2-secret-key";

    /// <summary>The account id the fake's resources belong to.</summary>
    public const string AccountId = "123456789012";

    private static readonly Regex AuthorizationHeader = new(
        @"^AWS4-HMAC-SHA256 Credential=(?<key>[^/]+)/(?<date>\d{8})/(?<region>[a-z0-9-]+)/(?<service>[a-z0-9]+)/aws4_request, ?SignedHeaders=[a-z0-9;-]+, ?Signature=[0-9a-f]{64}$",
        RegexOptions.CultureInvariant);

    private readonly Lock _gate = new();
    private readonly List<Ec2Call> _calls = [];
    private readonly List<Ec2Fault> _faults = [];
    private readonly IFakeMachineProvider _machines;
    private readonly WebApplication _app;
    private int _sequence;

    private FakeEc2(IFakeMachineProvider machines, string accessKey, string secretKey)
    {
        _machines = machines;
        AccessKey = accessKey;
        SecretKey = secretKey;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Run(HandleAsync);
    }

    /// <summary>The base address, e.g. <c>http://127.0.0.1:40123</c>: the SDK's <c>ServiceURL</c> or <c>AWS_ENDPOINT_URL_EC2</c>.</summary>
    public string Url { get; private set; } = string.Empty;

    /// <summary>The only access key the fake accepts.</summary>
    public string AccessKey { get; }

    /// <summary>The secret key clients sign with (the fake does not check signatures: see <see cref="Authenticate"/>).</summary>
    public string SecretKey { get; }

    /// <summary>How many DescribeInstances answers show a new instance as pending before it is running (1 unless set).</summary>
    public int PendingDescribes { get; set; } = 1;

    /// <summary>How many DescribeInstances answers show a terminated instance as shutting-down before terminated (1 unless set).</summary>
    public int ShuttingDownDescribes { get; set; } = 1;

    /// <summary>The regions of DescribeRegions; each has zones a, b and c.</summary>
    public IReadOnlyList<string> Regions { get; set; } = ["us-east-1", "us-west-2", "eu-west-1"];

    /// <summary>The instance types the fake knows; a test may replace them before the first call.</summary>
    public IReadOnlyList<FakeInstanceType> InstanceTypes { get; set; } = FakeInstanceType.Defaults;

    /// <summary>
    /// The most items one page of DescribeInstanceTypes, DescribeInstanceTypeOfferings and DescribeSpotPriceHistory holds
    /// (with the request's MaxResults, the smaller); the rest follow with <c>NextToken</c>. Null: no paging but MaxResults.
    /// </summary>
    public int? PageSize { get; set; }

    /// <summary>The images of DescribeImages (in every region); a test may replace them before the first call.</summary>
    public IReadOnlyList<FakeImage> Images { get; set; } = FakeImage.Defaults;

    /// <summary>Every call answered so far, in order, failed ones included.</summary>
    public IReadOnlyList<Ec2Call> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Every instance ever launched, in launch order, as it is now.</summary>
    public IReadOnlyList<FakeInstance> Instances
    {
        get
        {
            lock (_gate)
            {
                return [.. _instances.Values.OrderBy(i => i.LaunchTime).ThenBy(i => i.Id, StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>The instances whose machine still runs: pending or running, not asked to terminate and not interrupted.</summary>
    public IReadOnlyList<FakeInstance> LiveInstances => [.. Instances.Where(i => !i.Released)];

    /// <summary>Starts a fake on a free port of 127.0.0.1, with <see cref="LoopbackMachines"/> unless given machines.</summary>
    public static async Task<FakeEc2> StartAsync(IFakeMachineProvider? machines = null, string accessKey = DefaultAccessKey, string secretKey = DefaultSecretKey)
    {
        var fake = new FakeEc2(machines ?? new LoopbackMachines(), accessKey, secretKey);
        await fake._app.StartAsync().ConfigureAwait(false);
        var addresses = fake._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        fake.Url = addresses.Addresses.Single();
        return fake;
    }

    /// <summary>
    /// A real SDK client of this fake, for <paramref name="region"/> (the region of its credential scope). With
    /// <paramref name="maxErrorRetry"/> 0 (unless given) an error surfaces at once instead of being retried.
    /// </summary>
    public AmazonEC2Client NewClient(string region = "us-east-1", int maxErrorRetry = 0, string? accessKey = null) =>
        new(new BasicAWSCredentials(accessKey ?? AccessKey, SecretKey), new AmazonEC2Config
        {
            ServiceURL = Url,
            AuthenticationRegion = region,
            MaxErrorRetry = maxErrorRetry,
            Timeout = TimeSpan.FromSeconds(10),
        });

    /// <summary>The environment a separate process (the CLI) needs to reach this fake through the SDK.</summary>
    public IReadOnlyDictionary<string, string> Environment(string region = "us-east-1") => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["AWS_ENDPOINT_URL_EC2"] = Url,
        ["AWS_ACCESS_KEY_ID"] = AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
        ["AWS_REGION"] = region,
    };

    /// <summary>The calls to <paramref name="action"/> so far.</summary>
    public IReadOnlyList<Ec2Call> CallsTo(string action) => [.. Calls.Where(c => c.Action == action)];

    /// <summary>
    /// Answers the next <paramref name="times"/> calls to <paramref name="action"/> that <paramref name="when"/> accepts
    /// (all, unless given) with the error <paramref name="code"/> and <paramref name="status"/>, carrying nothing out.
    /// E.g. <c>FailNext("RunInstances", "InsufficientInstanceCapacity", when: r =&gt; r["InstanceType"] == "g5.xlarge")</c>.
    /// </summary>
    public void FailNext(string action, string code, int status = 400, string? message = null, Func<Ec2Request, bool>? when = null, int times = 1)
    {
        lock (_gate)
        {
            _faults.Add(new Ec2Fault(action, code, status, message ?? $"{code} (injected by the test)", when, times));
        }
    }

    /// <summary>Forgets every fault not yet used up: the calls from now on are answered as EC2 would.</summary>
    public void ClearFaults()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    /// <summary>Answers the next <paramref name="times"/> calls to <paramref name="action"/> with 503 <c>RequestLimitExceeded</c>.</summary>
    public void Throttle(string action, int times = 1, Func<Ec2Request, bool>? when = null) =>
        FailNext(action, "RequestLimitExceeded", 503, "Request limit exceeded.", when, times);

    /// <summary>
    /// The next instances launched by a RunInstances that <paramref name="when"/> accepts vanish by themselves, as a
    /// spot interruption: after <paramref name="afterRunningDescribes"/> DescribeInstances answers that showed them
    /// running, they are terminated with <c>Server.SpotInstanceTermination</c> and their machines released.
    /// </summary>
    public void InterruptNext(int afterRunningDescribes = 1, Func<Ec2Request, bool>? when = null)
    {
        lock (_gate)
        {
            _interruptions.Add((afterRunningDescribes, when));
        }
    }

    /// <summary>The next instances launched by a RunInstances that <paramref name="when"/> accepts get machines whose SSH never answers.</summary>
    public void UnreachableNext(Func<Ec2Request, bool>? when = null)
    {
        lock (_gate)
        {
            _unreachable.Add(when);
        }
    }

    /// <summary>Interrupts <paramref name="instanceId"/> now, as a spot interruption: terminated, its machine released.</summary>
    public void Interrupt(string instanceId)
    {
        lock (_gate)
        {
            var instance = _instances[instanceId];
            if (instance.State != FakeInstanceState.Terminated)
            {
                _instances[instanceId] = Release(instance) with
                {
                    State = FakeInstanceState.Terminated,
                    StateReason = SpotTermination,
                    Describes = 0,
                };
            }
        }
    }

    /// <summary>Stops the server and releases every machine still held.</summary>
    public async ValueTask DisposeAsync()
    {
        _holds.ReleaseAll();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        lock (_gate)
        {
            foreach (var instance in _instances.Values.Where(i => !i.Released).ToList())
            {
                _instances[instance.Id] = Release(instance);
            }
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in context.Request.Query)
        {
            parameters[name] = value.ToString();
        }

        if (context.Request.HasFormContentType)
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            foreach (var (name, value) in form)
            {
                parameters[name] = value.ToString();
            }
        }

        await WaitIfHeldAsync(parameters, context.RequestAborted).ConfigureAwait(false);
        var requestId = Guid.NewGuid().ToString();
        var (status, document) = Answer(parameters, context.Request.Headers.Authorization.ToString(), requestId);
        if (context.RequestAborted.IsCancellationRequested)
        {
            // Carried out, but the client is gone (a held call it gave up on): there is no one to answer.
            return;
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "text/xml;charset=UTF-8";
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        var body = new StringBuilder();
        await using (var writer = new Utf8StringWriter(body))
        {
            document.Save(writer, SaveOptions.DisableFormatting);
        }

        await context.Response.WriteAsync(body.ToString(), Encoding.UTF8, context.RequestAborted).ConfigureAwait(false);
    }

    private (int Status, XDocument Document) Answer(Dictionary<string, string> parameters, string authorization, string requestId)
    {
        var action = parameters.GetValueOrDefault("Action") ?? string.Empty;
        var recorded = parameters.Where(p => p.Key is not "Action" and not "Version").ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        lock (_gate)
        {
            var region = string.Empty;
            try
            {
                region = Authenticate(authorization);
                if (action.Length == 0)
                {
                    throw new FakeEc2Error("MissingAction", "The request must contain the parameter Action.");
                }

                var version = parameters.GetValueOrDefault("Version");
                if (version != ApiVersion)
                {
                    throw new FakeEc2Error("NoSuchVersion", $"An invalid or unrecognized version was specified: {version}.");
                }

                var request = new Ec2Request(action, region, recorded);
                var fault = _faults.FirstOrDefault(f => f.Matches(request));
                if (fault is not null)
                {
                    fault.Remaining--;
                    throw new FakeEc2Error(fault.Code, fault.Message, fault.Status);
                }

                var content = Dispatch(request).ToList();
                _calls.Add(new Ec2Call(action, region, recorded, 200, null));
                return (200, Ec2Xml.Response(action, requestId, content));
            }
            catch (FakeEc2Error error)
            {
                _calls.Add(new Ec2Call(action, region, recorded, error.Status, error.Code));
                return (error.Status, Ec2Xml.Error(error.Code, error.Message, requestId));
            }
        }
    }

    /// <summary>
    /// Checks that the request carries a SigV4 <c>Authorization</c> header for EC2 with <see cref="AccessKey"/>, and
    /// answers the region of its credential scope. The signature itself is not recomputed: the SDK signs correctly, and
    /// what a test needs is that credentials were sent and which; a missing header or another key is 401 AuthFailure.
    /// </summary>
    private string Authenticate(string authorization)
    {
        var match = AuthorizationHeader.Match(authorization);
        if (!match.Success || match.Groups["service"].Value != "ec2")
        {
            throw new FakeEc2Error("AuthFailure", "AWS was not able to validate the provided access credentials", 401);
        }

        if (match.Groups["key"].Value != AccessKey)
        {
            throw new FakeEc2Error("AuthFailure", "AWS was not able to validate the provided access credentials", 401);
        }

        return match.Groups["region"].Value;
    }

    private IEnumerable<object?> Dispatch(Ec2Request request)
    {
        if (!Regions.Contains(request.Region))
        {
            throw new FakeEc2Error("AuthFailure", $"AWS was not able to validate the provided access credentials (unknown region {request.Region})", 401);
        }

        return request.Action switch
        {
            "DescribeRegions" => DescribeRegions(request),
            "DescribeAvailabilityZones" => DescribeAvailabilityZones(request),
            "DescribeInstanceTypes" => DescribeInstanceTypes(request),
            "DescribeInstanceTypeOfferings" => DescribeInstanceTypeOfferings(request),
            "DescribeSpotPriceHistory" => DescribeSpotPriceHistory(request),
            "DescribeImages" => DescribeImages(request),
            "DescribeVpcs" => DescribeVpcs(request),
            "DescribeSubnets" => DescribeSubnets(request),
            "ImportKeyPair" => ImportKeyPair(request),
            "DescribeKeyPairs" => DescribeKeyPairs(request),
            "CreateSecurityGroup" => CreateSecurityGroup(request),
            "DescribeSecurityGroups" => DescribeSecurityGroups(request),
            "AuthorizeSecurityGroupIngress" => AuthorizeSecurityGroupIngress(request),
            "CreatePlacementGroup" => CreatePlacementGroup(request),
            "DeletePlacementGroup" => DeletePlacementGroup(request),
            "RunInstances" => RunInstances(request),
            "DescribeInstances" => DescribeInstances(request),
            "TerminateInstances" => TerminateInstances(request),
            "CreateTags" => CreateTags(request),
            _ => throw new FakeEc2Error("InvalidAction", $"The action {request.Action} is not valid for this web service."),
        };
    }

    /// <summary>A new resource id: the prefix and 17 hex digits, as EC2's long ids.</summary>
    private string NewId(string prefix) => $"{prefix}-{++_sequence:x17}";

    /// <summary>
    /// Whether a resource passes every filter: <paramref name="field"/> gives the resource's values for a filter name,
    /// or null for a name this resource type has no filter of (EC2 then answers InvalidParameterValue). A resource
    /// passes a filter when one of its values matches one of the filter's values.
    /// </summary>
    private static bool Passes(IReadOnlyDictionary<string, IReadOnlyList<string>> filters, IReadOnlyDictionary<string, string>? tags, Func<string, IEnumerable<string>?> field)
    {
        foreach (var (name, wanted) in filters)
        {
            IEnumerable<string>? values;
            if (tags is not null && name.StartsWith("tag:", StringComparison.Ordinal))
            {
                values = tags.TryGetValue(name[4..], out var value) ? [value] : [];
            }
            else if (tags is not null && name == "tag-key")
            {
                values = tags.Keys;
            }
            else
            {
                values = field(name) ?? throw new FakeEc2Error("InvalidParameterValue", $"The filter '{name}' is invalid");
            }

            if (!values.Any(v => wanted.Any(w => Ec2Parameters.Glob(w, v))))
            {
                return false;
            }
        }

        return true;
    }

    private static string Bool(bool value) => value ? "true" : "false";

    /// <summary>A writer whose XML declaration says UTF-8, as the text is sent as UTF-8.</summary>
    private sealed class Utf8StringWriter(StringBuilder builder) : StringWriter(builder, System.Globalization.CultureInfo.InvariantCulture)
    {
        public override Encoding Encoding => Encoding.UTF8;
    }
}
