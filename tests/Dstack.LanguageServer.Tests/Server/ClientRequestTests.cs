using System.Text.Json;
using System.Text.Json.Nodes;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Server;
using Dstack.LanguageServer.Tests.Support;

namespace Dstack.LanguageServer.Tests.Server;

/// <summary>Requests from the server to the client: ids of their own, answers matched to them, errors, timeouts, cancellation.</summary>
[Trait("Category", "Fast")]
public sealed class ClientRequestTests
{
    private const string Ask = "test/ask";

    [Fact]
    public async Task RequestAsync_ClientAnswers_ReturnsTheResult_UnderAStringId()
    {
        await using var client = await TestClient.InitializedAsync();
        client.Responder = (method, parameters) => Task.FromResult(TestReply.With(new JsonObject { ["method"] = method, ["got"] = parameters!.Value.GetProperty("n").GetInt32() }));

        var result = await client.Server.Client.RequestAsync(Ask, Params(7), LspJsonContext.Default.JsonElement);

        Assert.Equal(Ask, result.GetProperty("method").GetString());
        Assert.Equal(7, result.GetProperty("got").GetInt32());
        var sent = Assert.Single(client.ServerRequests(Ask));
        Assert.Equal(JsonValueKind.String, sent.GetProperty("id").ValueKind);
        Assert.Matches("^s[0-9]+$", sent.GetProperty("id").GetString());
    }

    [Fact]
    public async Task RequestAsync_TwoAnsweredInReverseOrder_EachGetsItsOwnAnswer()
    {
        await using var client = await TestClient.InitializedAsync();
        var secondAnswered = new TaskCompletionSource();
        client.Responder = async (method, parameters) =>
        {
            var n = parameters!.Value.GetProperty("n").GetInt32();
            if (n == 1)
            {
                await secondAnswered.Task.WaitAsync(Bounded.Limit);
            }
            else
            {
                // Let the answer go out first, then release the first request's answer.
                _ = Task.Delay(50).ContinueWith(_ => secondAnswered.SetResult(), TaskScheduler.Default);
            }

            return TestReply.With(n * 10);
        };

        var first = client.Server.Client.RequestAsync(Ask, Params(1), LspJsonContext.Default.JsonElement);
        var second = client.Server.Client.RequestAsync(Ask, Params(2), LspJsonContext.Default.JsonElement);

        Assert.Equal(20, (await second.WaitAsync(Bounded.Limit)).GetInt32());
        Assert.Equal(10, (await first.WaitAsync(Bounded.Limit)).GetInt32());
        var ids = client.ServerRequests(Ask).Select(r => r.GetProperty("id").GetString()).ToList();
        Assert.Equal(2, ids.Distinct().Count());
    }

    [Fact]
    public async Task RequestAsync_TypedResult_IsRead()
    {
        await using var client = await TestClient.InitializedAsync();
        client.Responder = (_, _) => Task.FromResult(TestReply.With(new JsonObject { ["type"] = 3, ["message"] = "typed" }));

        var result = await client.Server.Client.RequestAsync(Ask, Params(1), LspJsonContext.Default.JsonElement, LspJsonContext.Default.LogMessageParams);

        Assert.Equal(new LogMessageParams(3, "typed"), result);
    }

    [Fact]
    public async Task RequestAsync_ClientAnswersAnError_ThrowsWithTheClientsCode()
    {
        await using var client = await TestClient.InitializedAsync();
        client.Responder = (_, _) => Task.FromResult(TestReply.Error(-32800, "the user closed the dialog"));

        var error = await Assert.ThrowsAsync<ClientErrorException>(() => client.Server.Client.RequestAsync(Ask, Params(1), LspJsonContext.Default.JsonElement));

        Assert.Equal(-32800, error.Error.Code);
        Assert.Equal(Ask, error.Method);
        Assert.Equal($"the client answered '{Ask}' with error -32800: the user closed the dialog", error.Message);
    }

    [Fact]
    public async Task RequestAsync_ClientDoesNotAnswer_TimesOutAndCancelsInTheClient()
    {
        await using var client = await TestClient.InitializedAsync();
        client.Responder = (_, _) => Task.FromResult(TestReply.None);

        var error = await Assert.ThrowsAsync<TimeoutException>(() => client.Server.Client.RequestAsync(Ask, Params(1), LspJsonContext.Default.JsonElement, timeout: TimeSpan.FromMilliseconds(200)));

        var id = (await SentAsync(client)).GetProperty("id").GetString();
        Assert.Equal($"the client did not answer '{Ask}' (id {id}) within 0.2 s", error.Message);
        var cancel = await client.WaitForAsync(m => m.TryGetProperty("method", out var method) && method.GetString() == "$/cancelRequest", "$/cancelRequest");
        Assert.Equal(id, cancel.GetProperty("params").GetProperty("id").GetString());
    }

    [Fact]
    public async Task RequestAsync_LateAnswer_IsIgnoredAndTheSessionGoesOn()
    {
        await using var client = await TestClient.InitializedAsync(TestMethods.Table(new TestMethods.WaitHandler()));
        client.Responder = (_, _) => Task.FromResult(TestReply.None);
        await Assert.ThrowsAsync<TimeoutException>(() => client.Server.Client.RequestAsync(Ask, Params(1), LspJsonContext.Default.JsonElement, timeout: TimeSpan.FromMilliseconds(100)));
        var id = (await SentAsync(client)).GetProperty("id").GetString();

        await client.SendAsync($$"""{"jsonrpc":"2.0","id":"{{id}}","result":42}""");
        await client.SendAsync($$$"""{"jsonrpc":"2.0","id":"{{{id}}}","error":{"code":-1,"message":"late"}}""");

        await client.ResultAsync(TestMethods.Echo, new { still = true });
        Assert.Contains($"ignored a response to id {id}", client.Stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains($"ignored an error response to id {id}", client.Stderr.ToString(), StringComparison.Ordinal);
        Assert.Empty(client.Problems());
    }

    [Fact]
    public async Task RequestAsync_CallerCancels_ThrowsAndCancelsInTheClient()
    {
        await using var client = await TestClient.InitializedAsync();
        client.Responder = (_, _) => Task.FromResult(TestReply.None);
        using var cancellation = new CancellationTokenSource();

        var request = client.Server.Client.RequestAsync(Ask, Params(1), LspJsonContext.Default.JsonElement, cancellation.Token);
        var sent = await client.WaitForAsync(m => m.TryGetProperty("method", out var method) && method.GetString() == Ask, "the request");
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        var cancel = await client.WaitForAsync(m => m.TryGetProperty("method", out var method) && method.GetString() == "$/cancelRequest", "$/cancelRequest");
        Assert.Equal(sent.GetProperty("id").GetString(), cancel.GetProperty("params").GetProperty("id").GetString());
    }

    [Fact]
    public async Task RequestAsync_SessionEndsFirst_FailsAtOnce_AndLaterRequestsToo()
    {
        await using var client = await TestClient.InitializedAsync();
        client.Responder = (_, _) => Task.FromResult(TestReply.None);
        var request = client.Server.Client.RequestAsync(Ask, Params(1), LspJsonContext.Default.JsonElement);
        await client.WaitForAsync(m => m.TryGetProperty("method", out var method) && method.GetString() == Ask, "the request");

        Assert.Equal(1, await client.CloseAndExitCodeAsync());

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request.WaitAsync(Bounded.Limit));
        Assert.Equal($"the session ended before the client answered '{Ask}'", error.Message);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.Server.Client.RequestAsync("test/later", Params(2), LspJsonContext.Default.JsonElement).WaitAsync(Bounded.Limit));
    }

    [Fact]
    public async Task ClientResponse_WithTheIdOfItsOwnRequest_DoesNotCompleteAServerRequest()
    {
        await using var client = await TestClient.InitializedAsync();
        var release = new TaskCompletionSource<TestReply>();
        client.Responder = (_, _) => release.Task;
        var request = client.Server.Client.RequestAsync(Ask, Params(1), LspJsonContext.Default.JsonElement);
        await client.WaitForAsync(m => m.TryGetProperty("method", out var method) && method.GetString() == Ask, "the request");

        // Numeric ids are the client's; a response carrying one must not be taken for the answer to "s1".
        await client.SendAsync("""{"jsonrpc":"2.0","id":1,"result":"wrong"}""");
        await client.ResultAsync("textDocument/diagnostic", new { textDocument = new { uri = "file:///a.dstack.yml" } });
        Assert.False(request.IsCompleted);
        release.SetResult(TestReply.With("right"));

        Assert.Equal("right", (await request.WaitAsync(Bounded.Limit)).GetString());
    }

    private static JsonElement Params(int n) => JsonSerializer.SerializeToElement(new Dictionary<string, int> { ["n"] = n });

    /// <summary>
    /// The one <c>Ask</c> request the server sent, once the client has read it: a timeout on the server's side can
    /// come before the client's reader got to the request on a loaded machine.
    /// </summary>
    private static async Task<JsonElement> SentAsync(TestClient client)
    {
        await client.WaitForAsync(m => m.TryGetProperty("id", out _) && m.TryGetProperty("method", out var method) && method.GetString() == Ask, $"the server's '{Ask}' request");
        return Assert.Single(client.ServerRequests(Ask));
    }
}
