using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Dstack.Runtime.Tests.Services;

/// <summary>
/// A small HTTP app on a free loopback port standing in for a service's replica: answers <c>replica N</c>, echoes a
/// POST body, says whether it saw an Authorization header, streams <c>/stream</c> in pieces, and counts its requests.
/// </summary>
internal sealed class TestReplica : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _hits;

    private TestReplica(WebApplication app, int number)
    {
        _app = app;
        Number = number;
    }

    public int Number { get; }

    public Uri Address { get; private set; } = null!;

    public int Hits => Volatile.Read(ref _hits);

    public static async Task<TestReplica> StartAsync(int number)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddLogging();
        var app = builder.Build();
        var replica = new TestReplica(app, number);
        app.Run(replica.HandleAsync);
        await app.StartAsync();
        replica.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return replica;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _hits);
        switch (context.Request.Path.Value)
        {
            case "/echo":
                using (var reader = new StreamReader(context.Request.Body))
                {
                    var body = await reader.ReadToEndAsync();
                    await context.Response.WriteAsync($"replica {Number} got {body.Length} bytes: {(body.Length > 40 ? body[..40] : body)}");
                }

                break;
            case "/auth":
                await context.Response.WriteAsync(context.Request.Headers.Authorization.Count == 0 ? "no authorization header" : $"authorization: {context.Request.Headers.Authorization}");
                break;
            case "/stream":
                for (var i = 0; i < 3; i++)
                {
                    await context.Response.WriteAsync($"piece {i}\n");
                    await context.Response.Body.FlushAsync();
                    await Task.Delay(50);
                }

                break;
            default:
                await context.Response.WriteAsync($"replica {Number}");
                break;
        }
    }
}
