using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Dstack.Runtime.Tests.Services;

/// <summary>
/// A model server on a free loopback port that speaks TGI's wire formats (<c>/generate</c> JSON,
/// <c>/generate_stream</c> server-sent events) and an OpenAI-compatible <c>…/chat/completions</c> (JSON, or SSE chunks
/// for <c>stream: true</c>) under any prefix, recording every request it received. No model: canned answers.
/// </summary>
internal sealed class FakeModelServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeModelServer(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    /// <summary>Every request: its path and its body.</summary>
    public ConcurrentQueue<(string Path, string Body)> Received { get; } = new();

    /// <summary>What <c>/generate</c> answers (status, body); TGI's shape by default.</summary>
    public (int Status, string Body) Generate { get; set; } = (200, """{"generated_text":"Paris.","details":{"finish_reason":"eos_token","generated_tokens":3,"seed":null}}""");

    /// <summary>What <c>/generate_stream</c> sends, one event per item, 20 ms apart.</summary>
    public List<string> StreamEvents { get; set; } =
    [
        """{"index":1,"token":{"id":1,"text":"Par","logprob":-0.1,"special":false},"generated_text":null,"details":null}""",
        """{"index":2,"token":{"id":2,"text":"is.","logprob":-0.2,"special":false},"generated_text":null,"details":null}""",
        """{"index":3,"token":{"id":3,"text":"</s>","logprob":-0.3,"special":true},"generated_text":"Paris.","details":{"finish_reason":"eos_token","generated_tokens":3,"seed":null}}""",
    ];

    public static async Task<FakeModelServer> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddLogging();
        var app = builder.Build();
        var server = new FakeModelServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var path = context.Request.Path.Value!;
        Received.Enqueue((path, body));
        if (path == "/generate")
        {
            context.Response.StatusCode = Generate.Status;
            context.Response.ContentType = "application/json";
            context.Response.Headers["x-prompt-tokens"] = "11";
            await context.Response.WriteAsync(Generate.Body);
        }
        else if (path == "/generate_stream")
        {
            context.Response.ContentType = "text/event-stream";
            foreach (var e in StreamEvents)
            {
                await context.Response.WriteAsync($"data:{e}\n\n");
                await context.Response.Body.FlushAsync();
                await Task.Delay(20);
            }
        }
        else if (path.EndsWith("/chat/completions", StringComparison.Ordinal))
        {
            var request = JsonNode.Parse(body)!;
            if ((bool?)request["stream"] == true)
            {
                context.Response.ContentType = "text/event-stream";
                foreach (var word in new[] { "Hel", "lo" })
                {
                    await context.Response.WriteAsync($"data: {{\"object\":\"chat.completion.chunk\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{word}\"}}}}]}}\n\n");
                    await context.Response.Body.FlushAsync();
                    await Task.Delay(20);
                }

                await context.Response.WriteAsync("data: [DONE]\n\n");
            }
            else
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync($"{{\"object\":\"chat.completion\",\"model\":\"{request["model"]}\",\"served_at\":\"{path}\",\"choices\":[{{\"index\":0,\"message\":{{\"role\":\"assistant\",\"content\":\"Hello\"}},\"finish_reason\":\"stop\"}}]}}");
            }
        }
        else
        {
            await context.Response.WriteAsync($"path {path}");
        }
    }
}
