using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
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
/// A fake of the two AWS services that turn a profile into credentials, on 127.0.0.1 (Kestrel), reached through
/// <c>AWS_ENDPOINT_URL_STS</c> and <c>AWS_ENDPOINT_URL_SSO</c>: STS's <c>AssumeRole</c> (Query API: a form-encoded
/// POST of <c>Action=AssumeRole&amp;RoleArn=…&amp;RoleSessionName=…</c>, SigV4-signed by the source profile's key; the
/// XML <c>AssumeRoleResponse</c> of the STS API reference), and the SSO portal's <c>GetRoleCredentials</c> (REST JSON:
/// <c>GET /federation/credentials?account_id=…&amp;role_name=…</c> with the cached token in
/// <c>x-amz-sso_bearer_token</c>; answers <c>{"roleCredentials": {accessKeyId, secretAccessKey, sessionToken,
/// expiration (ms)}}</c>). Either hands out <see cref="IssuedAccessKey"/>; every call is recorded.
/// </summary>
public sealed class FakeAwsIdentity : IAsyncDisposable
{
    /// <summary>The temporary key both services hand out (an STS key id starts with ASIA).</summary>
    public const string IssuedAccessKey = "ASIAFAKEROLE00000001";

    public const string IssuedSecretKey = "fake-role-secret-key";

    public const string IssuedSessionToken = "fake-session-token";

    private static readonly Regex KeyOfAuthorization = new(@"Credential=(?<key>[^/]+)/\d{8}/[a-z0-9-]+/(?<service>[a-z0-9]+)/aws4_request", RegexOptions.CultureInvariant);

    private readonly Lock _gate = new();
    private readonly List<IdentityCall> _calls = [];
    private readonly WebApplication _app;

    private FakeAwsIdentity(string sourceAccessKey, string ssoToken)
    {
        SourceAccessKey = sourceAccessKey;
        SsoToken = ssoToken;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Run(HandleAsync);
    }

    /// <summary>The base address, for <c>AWS_ENDPOINT_URL_STS</c> and <c>AWS_ENDPOINT_URL_SSO</c>.</summary>
    public string Url { get; private set; } = string.Empty;

    /// <summary>The key AssumeRole must be signed with (the source profile's).</summary>
    public string SourceAccessKey { get; }

    /// <summary>The SSO access token GetRoleCredentials accepts (the one in the token cache).</summary>
    public string SsoToken { get; }

    /// <summary>Every call so far, refused ones included.</summary>
    public IReadOnlyList<IdentityCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    public static async Task<FakeAwsIdentity> StartAsync(string sourceAccessKey, string ssoToken)
    {
        var fake = new FakeAwsIdentity(sourceAccessKey, ssoToken);
        await fake._app.StartAsync().ConfigureAwait(false);
        fake.Url = fake._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return fake;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync().ConfigureAwait(false);

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.Method == "GET" && request.Path == "/federation/credentials")
        {
            var parameters = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
            var ok = request.Headers["x-amz-sso_bearer_token"].ToString() == SsoToken;
            Record(new IdentityCall("GetRoleCredentials", ok ? null : "bearer token", parameters));
            if (!ok)
            {
                context.Response.StatusCode = 401;
                context.Response.Headers["x-amzn-ErrorType"] = "UnauthorizedException";
                await context.Response.WriteAsJsonAsync(new { message = "Session token not found or invalid" }).ConfigureAwait(false);
                return;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(JsonSerializer.Serialize(new
            {
                roleCredentials = new
                {
                    accessKeyId = IssuedAccessKey,
                    secretAccessKey = IssuedSecretKey,
                    sessionToken = IssuedSessionToken,
                    expiration = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds(),
                },
            })).ConfigureAwait(false);
            return;
        }

        if (request.Method == "POST" && request.HasFormContentType)
        {
            var form = await request.ReadFormAsync().ConfigureAwait(false);
            var parameters = form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
            var signer = KeyOfAuthorization.Match(request.Headers.Authorization.ToString());
            var problem = parameters.GetValueOrDefault("Action") != "AssumeRole" ? "action"
                : !signer.Success || signer.Groups["service"].Value != "sts" || signer.Groups["key"].Value != SourceAccessKey ? "signature"
                : null;
            Record(new IdentityCall(parameters.GetValueOrDefault("Action") ?? "(none)", problem, parameters));
            context.Response.ContentType = "text/xml";
            if (problem is not null)
            {
                context.Response.StatusCode = 403;
                await context.Response.WriteAsync(StsError("AccessDenied", $"not authorized ({problem})")).ConfigureAwait(false);
                return;
            }

            await context.Response.WriteAsync(AssumeRoleResponse(parameters.GetValueOrDefault("RoleArn") ?? string.Empty, parameters.GetValueOrDefault("RoleSessionName") ?? string.Empty)).ConfigureAwait(false);
            return;
        }

        Record(new IdentityCall($"{request.Method} {request.Path}", "unknown", new Dictionary<string, string>()));
        context.Response.StatusCode = 404;
    }

    private void Record(IdentityCall call)
    {
        lock (_gate)
        {
            _calls.Add(call);
        }
    }

    private static readonly XNamespace Sts = "https://sts.amazonaws.com/doc/2011-06-15/";

    private static string AssumeRoleResponse(string roleArn, string session) =>
        new XElement(
            Sts + "AssumeRoleResponse",
            new XElement(
                Sts + "AssumeRoleResult",
                new XElement(Sts + "AssumedRoleUser", new XElement(Sts + "Arn", $"{roleArn.Replace(":role/", ":assumed-role/", StringComparison.Ordinal)}/{session}"), new XElement(Sts + "AssumedRoleId", $"AROAFAKE:{session}")),
                new XElement(
                    Sts + "Credentials",
                    new XElement(Sts + "AccessKeyId", IssuedAccessKey),
                    new XElement(Sts + "SecretAccessKey", IssuedSecretKey),
                    new XElement(Sts + "SessionToken", IssuedSessionToken),
                    new XElement(Sts + "Expiration", DateTime.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture)))),
            new XElement(Sts + "ResponseMetadata", new XElement(Sts + "RequestId", Guid.NewGuid().ToString()))).ToString();

    private static string StsError(string code, string message) =>
        new XElement(
            Sts + "ErrorResponse",
            new XElement(Sts + "Error", new XElement(Sts + "Type", "Sender"), new XElement(Sts + "Code", code), new XElement(Sts + "Message", message)),
            new XElement(Sts + "RequestId", Guid.NewGuid().ToString())).ToString();
}
