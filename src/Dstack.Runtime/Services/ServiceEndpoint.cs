using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Forwarder;

namespace Dstack.Runtime.Services;

/// <summary>
/// A service's published endpoint: an HTTP server on a local address that checks the bearer token (when the service has
/// <c>auth: true</c>) and forwards each request to the next replica in turn (<see cref="ReplicaSet"/>), streaming both
/// ways (WebSocket and other upgrades too). A replica whose port refuses the connection is skipped and the request
/// goes to the next one, so a replica that is restarting or scaled away costs no failed request; so does a request
/// without a body, or a model route's chat request (its body held whole), that a replica's connection ended without an
/// answer when its port no longer answers (it just died, or its SSH forward's far end refuses). When none answers the caller gets 503 with what to check. Every request is counted in <see cref="Rate"/> (what rps scaling reads).
/// </summary>
/// <remarks>Kestrel serves; YARP's forwarder sends (hop-by-hop headers, upgrades, streaming, timeouts).</remarks>
public sealed class ServiceEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpMessageInvoker _client;
    private readonly IHttpForwarder _forwarder;
    private readonly ServiceEndpointOptions _options;
    private readonly byte[]? _expected;
    private readonly HttpTransformer _transformer;
    private readonly ForwarderRequestConfig _config;
    private readonly ModelRoute? _model;
    private readonly ReplicaClient _replicaClient;

    private ServiceEndpoint(WebApplication app, ServiceEndpointOptions options, ModelRoute? model)
    {
        _model = model;
        _app = app;
        _options = options;
        _forwarder = app.Services.GetRequiredService<IHttpForwarder>();
        _client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            ActivityHeadersPropagator = null,
            ConnectTimeout = options.ConnectTimeout,
        });
        _expected = options.Token is { } token ? Encoding.UTF8.GetBytes(token) : null;
        _transformer = new TokenRemover(options.Token is not null);
        _config = new ForwarderRequestConfig { ActivityTimeout = options.IdleTimeout };
        _replicaClient = new ReplicaClient(options.Replicas, _client);
        app.Run(HandleAsync);
    }

    /// <summary>The replicas requests go to; add and remove them while it serves.</summary>
    public ReplicaSet Replicas => _options.Replicas;

    /// <summary>The requests it has received, per second (every request, answered or refused).</summary>
    public RequestRate Rate { get; } = new();

    /// <summary>Requests held now because no replica is in the set (<see cref="ServiceEndpointOptions.HoldWhenNoReplica"/>): what scaling from zero reads.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    private int _waiting;

    /// <summary>The seconds a 503 for want of a replica asks the caller to wait before trying again.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>Where it listens, once started: <c>http://127.0.0.1:8000/</c>.</summary>
    public Uri Address { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Starts serving on <see cref="ServiceEndpointOptions.Listen"/> (port 0: a free port, read <see cref="Address"/>).</summary>
    /// <exception cref="IOException">The address cannot be listened on (in use, not this machine's).</exception>
    /// <exception cref="ChatTemplateException">The model's <c>chat_template</c> does not parse.</exception>
    public static async Task<ServiceEndpoint> StartAsync(ServiceEndpointOptions options, CancellationToken cancellationToken = default)
    {
        var model = options.Model is { } m ? ModelRoute.Create(m, options.Name) : null;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(options.Listen);
        });
        builder.Services.AddLogging();
        builder.Services.AddHttpForwarder();
        var app = builder.Build();
        var endpoint = new ServiceEndpoint(app, options, model);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            await endpoint.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"cannot listen on {options.Listen}: {e.Message}", e);
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        endpoint.Address = bound is not null ? new Uri(bound.Replace("[::]", "localhost", StringComparison.Ordinal) + "/") : new Uri($"http://{options.Listen}/");
        return endpoint;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _client.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        Rate.Count();
        if (_expected is not null && !Authorized(context.Request))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"dstack\"";
            await context.Response.WriteAsync($"dstack: {_options.Name} needs `Authorization: Bearer TOKEN`; `dstack service token` prints the token (or set `auth: false` to publish it open)\n").ConfigureAwait(false);
            return;
        }

        if (Replicas.Count == 0 && _options.HoldWhenNoReplica > TimeSpan.Zero)
        {
            // A held request lets go when the endpoint stops too, so a stop never waits on it.
            using var held = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _app.Lifetime.ApplicationStopping);
            await HoldAsync(held.Token).ConfigureAwait(false);
        }

        if (_model is not null && await _model.HandleAsync(context, _replicaClient).ConfigureAwait(false))
        {
            return;
        }

        var tried = new List<int>();
        while (Replicas.Next(tried) is { } replica)
        {
            tried.Add(replica.Number);
            var error = await _forwarder.SendAsync(context, replica.Address.ToString(), _client, _config, _transformer).ConfigureAwait(false);
            if (error == ForwarderError.None)
            {
                Replicas.Answered(replica);
                return;
            }

            if (context.Response.HasStarted)
            {
                return;
            }

            if (!ReplicaClient.IsRefused(context.GetForwarderErrorFeature()?.Exception) && !await EndedUnansweredAsync(context, replica, error).ConfigureAwait(false))
            {
                await FailedAsync(context, replica, error).ConfigureAwait(false);
                return;
            }

            // The request reached no app (its port refused it, or nothing listens behind its forward): try the next one.
            Replicas.Refused(replica);
            context.Response.Clear();
            context.Features.Set<IForwarderErrorFeature>(null);
            if (ModelRoute.BufferedBody(context) is { } body)
            {
                context.Request.Body = new MemoryStream(body, writable: false);
            }
        }

        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var why = tried.Count == 0 ? "it has no replica running yet" : $"no replica answers on its port ({tried.Count} tried)";
        await context.Response.WriteAsync($"dstack: {_options.Name} cannot take the request: {why}; `dstack ps` shows its replicas and `dstack logs {_options.Name}` what they printed\n").ConfigureAwait(false);
    }

    /// <summary>Waits (bounded) for a replica to join the set, counted in <see cref="Waiting"/> meanwhile.</summary>
    private async Task HoldAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (Replicas.Count == 0 && clock.Elapsed < _options.HoldWhenNoReplica && !cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(HoldPoll, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    private static readonly TimeSpan HoldPoll = TimeSpan.FromMilliseconds(100);

    private bool Authorized(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var given = Encoding.UTF8.GetBytes(header[scheme.Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(given, _expected);
    }

    /// <summary>
    /// Whether a request that failed at <paramref name="replica"/> before any answer reached no app and is safe to send to
    /// another: it has no body (nothing of the caller's was consumed) and its method is idempotent, or it is a model
    /// route's chat request whose body the endpoint holds whole (<see cref="ModelRoute.BufferedBody"/>); and the
    /// replica's port does not answer now (a replica that just died, or an SSH forward whose far end refuses: it takes
    /// the connection and closes it without an answer).
    /// </summary>
    private static async Task<bool> EndedUnansweredAsync(HttpContext context, ServiceReplica replica, ForwarderError error)
    {
        var request = context.Request;
        var idempotent = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
            || HttpMethods.IsTrace(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsDelete(request.Method);
        var bodiless = context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false };
        var resendable = (error == ForwarderError.Request && idempotent && bodiless)
            || (error is ForwarderError.Request or ForwarderError.RequestBodyDestination && ModelRoute.BufferedBody(context) is not null);
        return resendable && !context.RequestAborted.IsCancellationRequested
            && !await PortProbe.AnswersAsync(replica.Address.Host, replica.Address.Port, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Says in the answer's body (the forwarder set its status, 502 or 504) which replica failed and how.</summary>
    private async Task FailedAsync(HttpContext context, ServiceReplica replica, ForwarderError error)
    {
        if (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        var what = context.GetForwarderErrorFeature()?.Exception is { } e ? $": {e.GetBaseException().Message}" : string.Empty;
        await context.Response.WriteAsync($"dstack: {_options.Name}'s replica {replica.Number} failed the request ({error}{what}); it was not sent to another replica, as it may have reached this one; `dstack logs {_options.Name}` shows what the replica printed\n").ConfigureAwait(false);
    }

    /// <summary>YARP's default request transform, less the caller's bearer token when the endpoint checked it.</summary>
    private sealed class TokenRemover(bool remove) : HttpTransformer
    {
        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
            if (remove)
            {
                proxyRequest.Headers.Authorization = null;
            }
        }
    }
}
