using System.Net;
using System.Text.Json.Nodes;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Services;

namespace Dstack.Runtime.Tests.Services;

/// <summary>
/// A service with <c>model: {format: tgi}</c> behind a real endpoint, against a fake TGI: messages rendered with the
/// chat template and sent to <c>/generate</c> (or <c>/generate_stream</c>), each parameter mapped, TGI's answers and
/// events turned into OpenAI's, TGI's own Messages API used without a template, and every failure an OpenAI error.
/// </summary>
[Trait("Category", "Fast")]
public sealed class TgiRouteTests : IAsyncLifetime
{
    private const string Chat = """{"model": "acme/llama", "messages": [{"role": "user", "content": "Capital of France?"}]}""";
    private FakeModelServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeModelServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task AChat_IsRenderedWithTheTemplate_SentToGenerate_AndAnsweredAsAChatCompletion()
    {
        await using var endpoint = await StartAsync();

        var (status, body) = await endpoint.PostAsync("/v1/chat/completions", Chat);

        Assert.Equal(HttpStatusCode.OK, status);
        var (path, sent) = _server.Received.Single();
        Assert.Equal("/generate", path);
        var request = ModelEndpoint.Json(sent);
        Assert.Equal("[INST] Capital of France? [/INST]", (string?)request["inputs"]);
        Assert.Equal("""{"details":true,"return_full_text":false,"stop":["</s>"]}""", request["parameters"]!.ToJsonString(OpenAIError.Wire));
        var completion = ModelEndpoint.Json(body);
        Assert.StartsWith("chatcmpl-", (string?)completion["id"], StringComparison.Ordinal);
        Assert.Equal(("chat.completion", "acme/llama"), ((string?)completion["object"], (string?)completion["model"]));
        Assert.True((long)completion["created"]! > 1_700_000_000);
        var choice = completion["choices"]![0]!;
        Assert.Equal(("assistant", "Paris.", "stop"), ((string?)choice["message"]!["role"], (string?)choice["message"]!["content"], (string?)choice["finish_reason"]));
        Assert.Equal("""{"prompt_tokens":11,"completion_tokens":3,"total_tokens":14}""", completion["usage"]!.ToJsonString(OpenAIError.Wire));
    }

    [Theory]
    [InlineData("\"max_tokens\": 64", "\"max_new_tokens\":64")]
    [InlineData("\"temperature\": 0", "\"do_sample\":false")]
    [InlineData("\"temperature\": 0.7", "\"do_sample\":true,\"temperature\":0.7")]
    [InlineData("\"top_p\": 0.9", "\"top_p\":0.9")]
    [InlineData("\"top_p\": 1", "\"details\":true")]
    [InlineData("\"seed\": 42", "\"seed\":42")]
    [InlineData("\"stop\": \"\\n\\n\"", "\"stop\":[\"\\n\\n\",\"</s>\"]")]
    [InlineData("\"stop\": [\"A:\", \"</s>\"]", "\"stop\":[\"A:\",\"</s>\"]")]
    public async Task EachParameter_IsMappedToTgis(string given, string expected)
    {
        await using var endpoint = await StartAsync();

        await endpoint.PostAsync("/v1/chat/completions", $$"""{"model": "acme/llama", {{given}}, "messages": [{"role": "user", "content": "x"}]}""");

        var parameters = ModelEndpoint.Json(_server.Received.Single().Body)["parameters"]!.ToJsonString(OpenAIError.Wire);
        Assert.Contains(expected, parameters, StringComparison.Ordinal);
        Assert.Equal(given.Contains("top_p", StringComparison.Ordinal) && given != "\"top_p\": 1", parameters.Contains("top_p", StringComparison.Ordinal));
        Assert.Equal(given.Contains("temperature", StringComparison.Ordinal) && given != "\"temperature\": 0", parameters.Contains("temperature", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("length", "Paris is", "length", "Paris is")]
    [InlineData("eos_token", "Paris.", "stop", "Paris.")]
    [InlineData("stop_sequence", "Paris.\nUser:", "stop", "Paris.\n")]
    public async Task TgisFinishReason_IsOpenAIs_AndAStopSequenceIsTrimmed(string tgi, string text, string openai, string content)
    {
        _server.Generate = (200, new JsonObject { ["generated_text"] = text, ["details"] = new JsonObject { ["finish_reason"] = tgi, ["generated_tokens"] = 2 } }.ToJsonString(OpenAIError.Wire));
        await using var endpoint = await StartAsync();

        var (_, body) = await endpoint.PostAsync("/v1/chat/completions", """{"model": "acme/llama", "stop": "User:", "messages": [{"role": "user", "content": "x"}]}""");

        var choice = ModelEndpoint.Json(body)["choices"]![0]!;
        Assert.Equal((openai, content), ((string?)choice["finish_reason"], (string?)choice["message"]!["content"]));
    }

    [Fact]
    public async Task AStreamedChat_GoesToGenerateStream_AndComesBackAsChunksEndingWithDone()
    {
        await using var endpoint = await StartAsync();

        var (status, type, events) = await endpoint.StreamAsync("/v1/chat/completions", """{"model": "acme/llama", "stream": true, "messages": [{"role": "user", "content": "x"}]}""");

        Assert.Equal((HttpStatusCode.OK, "text/event-stream"), (status, type));
        Assert.Equal("/generate_stream", _server.Received.Single().Path);
        Assert.Equal(4, events.Count);
        var chunks = events.Take(3).Select(ModelEndpoint.Json).ToList();
        Assert.All(chunks, c => Assert.Equal(("chat.completion.chunk", "acme/llama"), ((string?)c["object"], (string?)c["model"])));
        Assert.Single(chunks.Select(c => (string?)c["id"]).Distinct());
        Assert.Equal("""{"role":"assistant","content":"Par"}""", chunks[0]["choices"]![0]!["delta"]!.ToJsonString(OpenAIError.Wire));
        Assert.Equal("""{"content":"is."}""", chunks[1]["choices"]![0]!["delta"]!.ToJsonString(OpenAIError.Wire));
        Assert.Equal(("{}", "stop"), (chunks[2]["choices"]![0]!["delta"]!.ToJsonString(OpenAIError.Wire), (string?)chunks[2]["choices"]![0]!["finish_reason"]));
        Assert.Null(chunks[0]["choices"]![0]!["finish_reason"]);
        Assert.Equal("[DONE]", events[3]);
    }

    [Fact]
    public async Task AStreamedChat_NeverSendsTheStopSequenceThatEndedIt()
    {
        _server.StreamEvents =
        [
            """{"token":{"text":"Paris","special":false},"details":null}""",
            """{"token":{"text":".\nUs","special":false},"details":null}""",
            """{"token":{"text":"er:","special":false},"details":{"finish_reason":"stop_sequence","generated_tokens":3}}""",
        ];
        await using var endpoint = await StartAsync();

        var (_, _, events) = await endpoint.StreamAsync("/v1/chat/completions", """{"model": "acme/llama", "stream": true, "stop": "\nUser:", "messages": [{"role": "user", "content": "x"}]}""");

        var chunks = events.SkipLast(1).Select(e => ModelEndpoint.Json(e)["choices"]![0]!).ToList();
        Assert.Equal("Paris.", string.Concat(chunks.Select(c => (string?)c["delta"]!["content"])));
        Assert.Equal("stop", (string?)chunks[^1]["finish_reason"]);
        Assert.Equal("[DONE]", events[^1]);
    }

    [Fact]
    public async Task WithoutAChatTemplate_TheRequestGoesToTgisOwnMessagesApi_AsItIs()
    {
        await using var endpoint = await ModelEndpoint.StartAsync(new TgiChatModel { Name = "acme/llama" }, _server);

        var (status, body) = await endpoint.PostAsync("/v1/chat/completions", Chat);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("/v1/chat/completions", Chat), _server.Received.Single());
        Assert.Equal("/v1/chat/completions", (string?)ModelEndpoint.Json(body)["served_at"]);
    }

    [Fact]
    public async Task TheTemplatesRaiseException_Is400_WithItsText()
    {
        await using var endpoint = await StartAsync();

        var (status, body) = await endpoint.PostAsync("/v1/chat/completions", """{"model": "acme/llama", "messages": [{"role": "assistant", "content": "x"}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Turns must alternate user, assistant, user, ...", (string?)ModelEndpoint.Json(body)["error"]!["message"]);
        Assert.Empty(_server.Received);
    }

    [Theory]
    [InlineData(500, "{\"error\":\"CUDA out of memory\",\"error_type\":\"generation\"}", HttpStatusCode.BadGateway, "the model server answered 500: CUDA out of memory")]
    [InlineData(422, "{\"error\":\"Input validation error: inputs too long\",\"error_type\":\"validation\"}", (HttpStatusCode)422, "the model server answered 422: Input validation error: inputs too long")]
    [InlineData(200, "<html>not tgi</html>", HttpStatusCode.BadGateway, "the model server's answer is not TGI's generate answer (no `generated_text`): <html>not tgi</html>")]
    public async Task AReplicaThatFails_OrAnswersGarbage_IsAnOpenAIError(int tgiStatus, string tgiBody, HttpStatusCode status, string message)
    {
        _server.Generate = (tgiStatus, tgiBody);
        await using var endpoint = await StartAsync();

        var (answered, body) = await endpoint.PostAsync("/v1/chat/completions", Chat);

        Assert.Equal(status, answered);
        Assert.Equal(message, (string?)ModelEndpoint.Json(body)["error"]!["message"]);
    }

    [Fact]
    public async Task AStreamThatIsNotTgis_IsA502_NotABrokenStream()
    {
        _server.StreamEvents = ["this is not json"];
        await using var endpoint = await StartAsync();

        var (status, body) = await endpoint.PostAsync("/v1/chat/completions", """{"model": "acme/llama", "stream": true, "messages": [{"role": "user", "content": "x"}]}""");

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal("the model server sent an event that is not TGI's: this is not json", (string?)ModelEndpoint.Json(body)["error"]!["message"]);
    }

    [Fact]
    public async Task NIsNotOne_Is400_BeforeAnyReplica()
    {
        await using var endpoint = await StartAsync();

        var (status, body) = await endpoint.PostAsync("/v1/chat/completions", """{"model": "acme/llama", "n": 2, "messages": [{"role": "user", "content": "x"}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("`n` is 2: a tgi model answers one choice per request", (string?)ModelEndpoint.Json(body)["error"]!["message"], StringComparison.Ordinal);
        Assert.Empty(_server.Received);
    }

    [Fact]
    public async Task NoReplicaRunning_Is503_InOpenAIsFormat()
    {
        await using var endpoint = await ModelEndpoint.StartAsync(Model(), server: null);

        var (status, body) = await endpoint.PostAsync("/v1/chat/completions", Chat);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.StartsWith("llm cannot take the request: it has no replica running yet", (string?)ModelEndpoint.Json(body)["error"]!["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReplicaWhosePortRefuses_IsSkipped_ForTranslatedRequestsToo()
    {
        var set = new ReplicaSet();
        using (var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            set.Add(new ServiceReplica(1, new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/")));
        }

        set.Add(new ServiceReplica(2, _server.Address));
        await using var endpoint = await ServiceEndpoint.StartAsync(new ServiceEndpointOptions("llm", new IPEndPoint(IPAddress.Loopback, 0), set, null) { Model = Model() });
        using var http = new HttpClient();

        using var response = await http.PostAsync(new Uri(endpoint.Address, "v1/chat/completions"), new StringContent(Chat));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/generate", _server.Received.Single().Path);
        Assert.Contains(set.Snapshot(), r => r.Replica.Number == 1 && r.Paused);
    }

    [Fact]
    public async Task ATemplateThatDoesNotParse_FailsAtStart_NamingItsLineAndColumn()
    {
        var model = new TgiChatModel { Name = "acme/llama", ChatTemplate = "{% for m in messages %}\n{{ m.content | title }}{% endfor %}" };

        var e = await Assert.ThrowsAsync<ChatTemplateException>(() => ModelEndpoint.StartAsync(model, _server));

        Assert.StartsWith("chat_template line 2, column 16: the filter `title` is not supported", e.Message, StringComparison.Ordinal);
        Assert.Equal(e.Message, ModelRoute.Validate(model));
        Assert.Null(ModelRoute.Validate(Model()));
    }

    private static TgiChatModel Model() => new() { Name = "acme/llama", ChatTemplate = TestChatTemplates.Llama2, EosToken = "</s>" };

    private Task<ModelEndpoint> StartAsync() => ModelEndpoint.StartAsync(Model(), _server);
}
