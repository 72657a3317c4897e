using System.Collections.Concurrent;
using System.Text;
using Dstack.Runtime.Containers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Dstack.Runtime.Tests.Containers;

/// <summary>
/// A stand-in for the Docker engine: a real HTTP server (Kestrel) on a unix socket of its own, answering as each test
/// says (<see cref="Handler"/>) and recording every request it gets (<see cref="Requests"/>). One per test class.
/// </summary>
public sealed class FakeDockerEngine : IAsyncLifetime
{
    private readonly WebApplication _app;

    public FakeDockerEngine()
    {
        SocketPath = Path.Combine(Path.GetTempPath(), $"dstack-fake-engine-{Guid.NewGuid():N}"[..32] + ".sock");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.ListenUnixSocket(SocketPath));
        _app = builder.Build();
        _app.Run(HandleAsync);
    }

    public string SocketPath { get; }

    /// <summary>How the fake answers; a test sets it first. Unset: 404 with the engine's "page not found".</summary>
    public Func<HttpContext, Task>? Handler { get; set; }

    /// <summary>Every request so far, in order.</summary>
    public ConcurrentQueue<FakeRequest> Requests { get; } = new();

    /// <summary>A client of the fake, as the product makes one for a socket.</summary>
    public DockerApi Client() => DockerApi.ForSocket(SocketPath, "the fake engine");

    /// <summary>Forgets the requests and the handler of the test before.</summary>
    public void Reset(Func<HttpContext, Task> handler)
    {
        Requests.Clear();
        Handler = handler;
    }

    public Task InitializeAsync() => _app.StartAsync();

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        File.Delete(SocketPath);
    }

    /// <summary>Answers <paramref name="status"/> with <paramref name="json"/> as the body.</summary>
    public static async Task JsonAsync(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    }

    /// <summary>The engine's refusal: <c>{"message": "..."}</c>.</summary>
    public static Task ErrorAsync(HttpContext context, int status, string message) =>
        JsonAsync(context, status, System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["message"] = message }));

    private async Task HandleAsync(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path + context.Request.QueryString;
        string body;
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync();
        }

        Requests.Enqueue(new FakeRequest(
            context.Request.Method,
            target,
            context.Request.Path.Value ?? string.Empty,
            context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body));
        if (Handler is { } handler)
        {
            await handler(context);
        }
        else
        {
            await ErrorAsync(context, 404, "page not found");
        }
    }
}
