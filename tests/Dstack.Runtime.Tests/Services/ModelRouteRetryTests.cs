using System.Net;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Services;

namespace Dstack.Runtime.Tests.Services;

/// <summary>
/// A model route's chat request (its body read whole by the endpoint) at a replica it reached no app at: the port took
/// the connection and closed it without an answer (an SSH forward whose far end refuses, a replica that just died)
/// and does not answer the endpoint's probe. It goes to the next replica, for every format, streamed or not. One that
/// failed at a replica whose port still answers may have reached the app and is never sent again.
/// </summary>
[Trait("Category", "Fast")]
public sealed class ModelRouteRetryTests : IAsyncLifetime
{
    private FakeModelServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeModelServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>Each way a chat request leaves the endpoint: passed through (openai), translated (tgi with a template), or to TGI's Messages API (tgi without one).</summary>
    public static TheoryData<string, bool, bool> Formats()
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (var format in new[] { "openai", "tgi", "tgi-messages" })
        {
            foreach (var stream in new[] { false, true })
            {
                foreach (var stopsListening in new[] { false, true })
                {
                    data.Add(format, stream, stopsListening);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task AChat_ThatAReplicasPortClosedUnanswered_GoesToTheNextReplica_AndThatOneIsPaused(string format, bool stream, bool stopsListening)
    {
        using var dead = new ClosingForward(stopsListening);
        var set = new ReplicaSet();
        set.Add(new ServiceReplica(9, dead.Address));
        set.Add(new ServiceReplica(1, _server.Address));
        await using var endpoint = await ModelEndpoint.StartAsync(Model(format), set);

        var content = await ChatAsync(endpoint, format, stream);

        Assert.True(dead.Accepted > 0, "the dead replica was never tried");
        Assert.Equal(format == "tgi" ? "Paris." : "Hello", content);
        Assert.Single(_server.Received);
        Assert.Contains(set.Snapshot(), r => r.Replica.Number == 9 && r.Paused);
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("tgi")]
    [InlineData("tgi-messages")]
    public async Task NoReplicaTakingTheChat_Is503_WithRetryAfter(string format)
    {
        using var dead = new ClosingForward();
        var set = new ReplicaSet();
        set.Add(new ServiceReplica(9, dead.Address));
        await using var endpoint = await ModelEndpoint.StartAsync(Model(format), set);

        var (status, retryAfter, body) = await endpoint.PostWithHeadersAsync("/v1/chat/completions", Chat(false, format == "tgi" ? "acme/llama" : "acme/chat-7b"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("5", retryAfter);
        Assert.Contains("llm cannot take the request: no replica answers on its port (1 tried)", body, StringComparison.Ordinal);
        Assert.True(dead.Accepted > 0, "the dead replica was never tried");
    }

    [Theory]
    [InlineData("openai", false)]
    [InlineData("openai", true)]
    [InlineData("tgi", false)]
    [InlineData("tgi", true)]
    [InlineData("tgi-messages", false)]
    public async Task AChat_ThatAReplicaTookAndDiedOn_WhileItsPortStillAnswers_IsNotSentAgain_AndThe502NamesTheReplica(string format, bool stream)
    {
        using var silent = new SilentReplica();
        var set = new ReplicaSet();
        set.Add(new ServiceReplica(9, silent.Address));
        set.Add(new ServiceReplica(1, _server.Address));
        await using var endpoint = await ModelEndpoint.StartAsync(Model(format), set);

        var (status, body) = await endpoint.PostAsync("/v1/chat/completions", Chat(stream, format == "tgi" ? "acme/llama" : "acme/chat-7b"));

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains("llm's replica 9 failed the request", body, StringComparison.Ordinal);
        Assert.Contains("it was not sent to another replica, as it may have reached this one", body, StringComparison.Ordinal);
        Assert.Equal(1, silent.Requests);
        Assert.Empty(_server.Received);
        Assert.Contains(set.Snapshot(), r => r.Replica.Number == 9 && !r.Paused);
    }

    private static ServiceModel Model(string format) => format switch
    {
        "openai" => new OpenAIChatModel { Name = "acme/chat-7b" },
        "tgi" => new TgiChatModel { Name = "acme/llama", ChatTemplate = TestChatTemplates.Llama2, EosToken = "</s>" },
        _ => new TgiChatModel { Name = "acme/chat-7b" },
    };

    private static string Chat(bool stream, string model = "acme/chat-7b") =>
        $$"""{"model": "{{model}}", "stream": {{(stream ? "true" : "false")}}, "messages": [{"role": "user", "content": "Capital of France?"}]}""";

    /// <summary>The answer's text: the message's content, or the streamed deltas joined (the stream must end with [DONE]).</summary>
    private static async Task<string> ChatAsync(ModelEndpoint endpoint, string format, bool stream)
    {
        var model = format == "tgi" ? "acme/llama" : "acme/chat-7b";
        if (!stream)
        {
            var (status, body) = await endpoint.PostAsync("/v1/chat/completions", Chat(false, model));
            Assert.True(status == HttpStatusCode.OK, $"{status}: {body}");
            return (string)ModelEndpoint.Json(body)["choices"]![0]!["message"]!["content"]!;
        }

        var (streamed, type, events) = await endpoint.StreamAsync("/v1/chat/completions", Chat(true, model));
        Assert.True(streamed == HttpStatusCode.OK, $"{streamed}: {string.Join('\n', events)}");
        Assert.Equal("text/event-stream", type);
        Assert.Equal("[DONE]", events[^1]);
        return string.Concat(events[..^1].Select(e => (string?)ModelEndpoint.Json(e)["choices"]![0]!["delta"]!["content"] ?? string.Empty));
    }
}
