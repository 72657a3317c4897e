using System.Net;
using Dstack.Runtime.Configuration.Model;

namespace Dstack.Runtime.Tests.Services;

/// <summary>
/// A service with <c>model: {format: openai}</c> behind a real endpoint: the model list, requests for another model
/// refused in OpenAI's error format, chat requests passed through under the prefix (streamed answers too), bad bodies
/// answered with clear errors, and the token still required.
/// </summary>
[Trait("Category", "Fast")]
public sealed class OpenAIRouteTests : IAsyncLifetime
{
    private const string Chat = """{"model": "acme/chat-7b", "messages": [{"role": "user", "content": "Hi"}]}""";
    private FakeModelServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeModelServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Models_ListsTheServicesModel_InOpenAIsFormat()
    {
        await using var endpoint = await StartAsync();

        var (status, body) = await endpoint.GetAsync("/v1/models");

        Assert.Equal(HttpStatusCode.OK, status);
        var list = ModelEndpoint.Json(body);
        Assert.Equal("list", (string?)list["object"]);
        var model = list["data"]!.AsArray().Single()!;
        Assert.Equal(("acme/chat-7b", "model", "dstack"), ((string?)model["id"], (string?)model["object"], (string?)model["owned_by"]));
        Assert.InRange((long)model["created"]!, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.Empty(_server.Received);
    }

    [Fact]
    public async Task AnotherModel_Is404_NamingItAndTheOneServed_AndNeverReachesTheReplica()
    {
        await using var endpoint = await StartAsync();

        var (status, body) = await endpoint.PostAsync("/v1/chat/completions", """{"model": "gpt-4", "messages": [{"role": "user", "content": "Hi"}]}""");

        Assert.Equal(HttpStatusCode.NotFound, status);
        var error = ModelEndpoint.Json(body)["error"]!;
        Assert.Equal("The model `gpt-4` does not exist here; llm serves `acme/chat-7b` (GET /v1/models lists it)", (string?)error["message"]);
        Assert.Equal(("invalid_request_error", "model_not_found"), ((string?)error["type"], (string?)error["code"]));
        Assert.Empty(_server.Received);
    }

    [Fact]
    public async Task Chat_IsPassedThroughWhole_UnderTheDefaultPrefix()
    {
        await using var endpoint = await StartAsync();

        var (status, body) = await endpoint.PostAsync("/v1/chat/completions", Chat);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("/v1/chat/completions", (string?)ModelEndpoint.Json(body)["served_at"]);
        Assert.Equal(("/v1/chat/completions", Chat), _server.Received.Single());
    }

    [Fact]
    public async Task ACustomPrefix_RewritesChatAndOtherV1Paths_AndLeavesTheRestAlone()
    {
        await using var endpoint = await StartAsync(new OpenAIChatModel { Name = "acme/chat-7b", Prefix = "/openai/v1/" });

        var (_, chat) = await endpoint.PostAsync("/v1/chat/completions", Chat);
        var (_, completions) = await endpoint.PostAsync("/v1/completions?x=1", "{}");
        var (_, health) = await endpoint.GetAsync("/health");

        Assert.Equal("/openai/v1/chat/completions", (string?)ModelEndpoint.Json(chat)["served_at"]);
        Assert.Equal("path /openai/v1/completions", completions);
        Assert.Equal("path /health", health);
    }

    [Fact]
    public async Task AChunkedChatBody_IsPassedThroughWhole()
    {
        await using var endpoint = await StartAsync();
        using var http = new HttpClient();
        using var content = new StreamContent(new NonSeekableStream(System.Text.Encoding.UTF8.GetBytes(Chat)));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        using var response = await http.PostAsync(new Uri(endpoint.Endpoint.Address, "v1/chat/completions"), content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("/v1/chat/completions", Chat), _server.Received.Single());
    }

    [Fact]
    public async Task AStreamedAnswer_StreamsThrough()
    {
        await using var endpoint = await StartAsync();

        var (status, type, events) = await endpoint.StreamAsync("/v1/chat/completions", """{"model": "acme/chat-7b", "stream": true, "messages": [{"role": "user", "content": "Hi"}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("text/event-stream", type);
        Assert.Equal(3, events.Count);
        Assert.Equal("lo", (string?)ModelEndpoint.Json(events[1])["choices"]![0]!["delta"]!["content"]);
        Assert.Equal("[DONE]", events[^1]);
    }

    [Theory]
    [InlineData("not json at all", "the request body is not JSON")]
    [InlineData("""[1, 2]""", "the request body must be a JSON object with `model` and `messages`")]
    [InlineData("""{"messages": []}""", "the request has no `model`; this service serves \"acme/chat-7b\"")]
    [InlineData("""{"model": "acme/chat-7b"}""", "the request has no `messages`; send a non-empty list")]
    [InlineData("""{"model": "acme/chat-7b", "messages": ["hi"]}""", "every item of `messages` must be an object with a string `role`")]
    public async Task ABadBody_Is400_InOpenAIsFormat_WithWhatToSend(string body, string message)
    {
        await using var endpoint = await StartAsync();

        var (status, answer) = await endpoint.PostAsync("/v1/chat/completions", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith(message, (string?)ModelEndpoint.Json(answer)["error"]!["message"], StringComparison.Ordinal);
        Assert.Empty(_server.Received);
    }

    [Fact]
    public async Task ABodyOver16MB_Is413()
    {
        await using var endpoint = await StartAsync();
        var huge = "{\"model\": \"acme/chat-7b\", \"messages\": [{\"role\": \"user\", \"content\": \"" + new string('x', 17 * 1024 * 1024) + "\"}]}";

        var (status, answer) = await endpoint.PostAsync("/v1/chat/completions", huge);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("request_too_large", (string?)ModelEndpoint.Json(answer)["error"]!["code"]);
        Assert.Empty(_server.Received);
    }

    [Fact]
    public async Task ABodyOver16MB_WithoutALength_Is413_Too()
    {
        await using var endpoint = await StartAsync();
        using var http = new HttpClient();

        using var response = await http.PostAsync(new Uri(endpoint.Endpoint.Address, "v1/chat/completions"), new UnsizedContent(17 * 1024 * 1024));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("larger than 16 MB", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(_server.Received);
    }

    [Fact]
    public async Task WithAuth_TheModelRoutes_Are401WithoutTheToken()
    {
        await using var open = await ModelEndpoint.StartAsync(new OpenAIChatModel { Name = "acme/chat-7b" }, _server);
        await using var guarded = await ModelEndpoint.StartAsync(new OpenAIChatModel { Name = "acme/chat-7b" }, _server, token: "tok-123");
        var address = guarded.Endpoint.Address;

        using var http = new HttpClient();
        using var models = await http.GetAsync(new Uri(address, "v1/models"));
        using var chat = await http.PostAsync(new Uri(address, "v1/chat/completions"), new StringContent(Chat));
        var (withToken, _) = await guarded.GetAsync("/v1/models");

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (models.StatusCode, chat.StatusCode));
        Assert.Equal(HttpStatusCode.OK, withToken);
        Assert.Empty(_server.Received);
    }

    [Fact]
    public async Task NoReplicaRunning_Is503()
    {
        await using var endpoint = await ModelEndpoint.StartAsync(new OpenAIChatModel { Name = "acme/chat-7b" }, server: null);

        var (status, _) = await endpoint.PostAsync("/v1/chat/completions", Chat);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
    }

    private Task<ModelEndpoint> StartAsync(OpenAIChatModel? model = null) =>
        ModelEndpoint.StartAsync(model ?? new OpenAIChatModel { Name = "acme/chat-7b" }, _server);

    /// <summary>A body sent chunked: no Content-Length for the endpoint to check first.</summary>
    private sealed class UnsizedContent(int bytes) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var chunk = new byte[64 * 1024];
            chunk.AsSpan().Fill((byte)'x');
            for (var sent = 0; sent < bytes; sent += chunk.Length)
            {
                await stream.WriteAsync(chunk);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    /// <summary>A stream whose length is unknown, so the client sends it chunked.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
