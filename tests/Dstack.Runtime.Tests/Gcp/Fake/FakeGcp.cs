using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Dstack.Runtime.Tests.CloudFakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dstack.Runtime.Tests.Gcp.Fake;

/// <summary>
/// A fake Google Cloud: a real HTTP server on 127.0.0.1 (Kestrel) with the OAuth 2.0 token endpoint a service account
/// signs in at (<c>POST /token</c>, the JWT-bearer grant: the RS256 assertion is verified with the public half of the
/// key the fake made, see <see cref="WriteServiceAccountKey"/>). Access tokens it hands out are random; it keeps what
/// it was asked (<see cref="TokenRequests"/>) and can refuse (<see cref="RefuseTokens"/>). Compute Engine v1 is in
/// <c>FakeGcp.Compute.cs</c>.
/// </summary>
public sealed partial class FakeGcp : IAsyncDisposable
{
    public const string ServiceAccountEmail = "dstack-runner@fake-project-1.iam.gserviceaccount.com";

    private readonly Lock _gate = new();
    private readonly RSA _key = RSA.Create(2048);
    private readonly WebApplication _app;
    private readonly IFakeMachineProvider? _machines;

    private FakeGcp(IFakeMachineProvider? machines)
    {
        _machines = machines;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Run(HandleAsync);
    }

    /// <summary>The base address, e.g. <c>http://127.0.0.1:40123</c>.</summary>
    public string Url { get; private set; } = string.Empty;

    /// <summary>The token endpoint: the <c>token_uri</c> of the key files the fake writes.</summary>
    public string TokenUri => Url + "/token";

    /// <summary>Starts the fake; with <paramref name="machines"/>, each instance is one of its machines (a namespace host with sshd).</summary>
    public static async Task<FakeGcp> StartAsync(IFakeMachineProvider? machines = null)
    {
        var fake = new FakeGcp(machines);
        await fake._app.StartAsync().ConfigureAwait(false);
        fake.Url = fake._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return fake;
    }

    /// <summary>
    /// Writes a service account's JSON key file, as IAM's "Add key > JSON" downloads it, whose <c>token_uri</c> is this
    /// fake and whose private key is the one the fake verifies signatures with.
    /// </summary>
    public string WriteServiceAccountKey(string path, string projectId = "fake-project-1")
    {
        var json = new JsonObject
        {
            ["type"] = "service_account",
            ["project_id"] = projectId,
            ["private_key_id"] = "0123456789abcdef0123456789abcdef01234567",
            ["private_key"] = _key.ExportPkcs8PrivateKeyPem() + "\n",
            ["client_email"] = ServiceAccountEmail,
            ["client_id"] = "101234567890123456789",
            ["auth_uri"] = Url + "/auth",
            ["token_uri"] = TokenUri,
        };
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    private Task HandleAsync(HttpContext context) => context.Request.Path.Value switch
    {
        "/token" => TokenAsync(context),
        { } path when path.StartsWith("/compute/v1/", StringComparison.Ordinal) => ComputeAsync(context),
        _ => ErrorAsync(context, HttpStatusCode.NotFound, $"The requested URL {context.Request.Path} was not found on this server.", "notFound"),
    };

    /// <summary>Writes Google's JSON error body: <c>{"error": {"code", "message", "errors": [{"reason", ...}], "status"}}</c>.</summary>
    internal static async Task ErrorAsync(HttpContext context, HttpStatusCode status, string message, string reason, string? statusName = null)
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "application/json; charset=UTF-8";
        var body = new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = (int)status,
                ["message"] = message,
                ["errors"] = new JsonArray(new JsonObject { ["message"] = message, ["domain"] = "global", ["reason"] = reason }),
                ["status"] = statusName ?? status.ToString(),
            },
        };
        await context.Response.WriteAsync(body.ToJsonString()).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _holds.ReleaseAll();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _key.Dispose();
    }
}
