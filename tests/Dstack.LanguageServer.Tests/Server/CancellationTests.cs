using System.Text.Json.Nodes;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Tests.Support;

namespace Dstack.LanguageServer.Tests.Server;

[Trait("Category", "Fast")]
public sealed class CancellationTests
{
    [Theory]
    [InlineData("41")]
    [InlineData("\"req-41\"")]
    public async Task CancelRequest_PendingRequest_AnswersRequestCancelled(string idJson)
    {
        var waiter = new TestMethods.WaitHandler();
        await using var client = await TestClient.InitializedAsync(TestMethods.Table(waiter));
        var id = JsonNode.Parse(idJson)!;

        var response = client.RequestAsync(TestMethods.Wait, new { }, id);
        await waiter.Started();
        await client.NotifyAsync("$/cancelRequest", new JsonObject { ["id"] = id.DeepClone() });

        var answer = await response;
        Assert.Equal(idJson, answer.GetProperty("id").GetRawText());
        Assert.Equal(ErrorCodes.RequestCancelled, answer.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task PendingRequest_DoesNotHoldUpOtherRequests()
    {
        var waiter = new TestMethods.WaitHandler();
        await using var client = await TestClient.InitializedAsync(TestMethods.Table(waiter));

        var slow = client.RequestAsync(TestMethods.Wait, new { }, 500);
        await waiter.Started();
        var echoed = await client.ResultAsync(TestMethods.Echo, new { fast = 1 });

        Assert.Equal(1, echoed.GetProperty("fast").GetInt32());
        Assert.False(slow.IsCompleted);
        await client.NotifyAsync("$/cancelRequest", new { id = 500 });
        Assert.Equal(ErrorCodes.RequestCancelled, (await slow).GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task CancelRequest_UnknownOrFinishedId_IsIgnored()
    {
        await using var client = await TestClient.InitializedAsync(TestMethods.Table(new TestMethods.WaitHandler()));
        await client.ResultAsync(TestMethods.Echo, new { first = 1 });

        await client.NotifyAsync("$/cancelRequest", new { id = 1 });
        await client.NotifyAsync("$/cancelRequest", new { id = "never-sent" });
        await client.NotifyAsync("$/cancelRequest", new { });

        await client.ResultAsync(TestMethods.Echo, new { after = 1 });
        Assert.Single(client.ResponsesTo("1"));
        Assert.Empty(client.ResponsesTo("null"));
    }

    [Fact]
    public async Task RequestIdStillPending_IsRefusedAsInvalidRequest()
    {
        var waiter = new TestMethods.WaitHandler();
        await using var client = await TestClient.InitializedAsync(TestMethods.Table(waiter));
        await client.SendAsync($"{{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"{TestMethods.Wait}\",\"params\":{{}}}}");
        await waiter.Started();

        await client.SendAsync($"{{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"{TestMethods.Echo}\",\"params\":{{}}}}");
        var refusal = await client.ResponseAsync("7");
        await client.NotifyAsync("$/cancelRequest", new { id = 7 });
        await Bounded.UntilAsync(() => client.ResponsesTo("7").Count == 2, "the answer to the first request 7");

        Assert.Equal(ErrorCodes.InvalidRequest, refusal.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Contains("still being handled", refusal.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(ErrorCodes.RequestCancelled, client.ResponsesTo("7")[1].GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Exit_WithARequestPending_EndsTheSessionPromptly()
    {
        var waiter = new TestMethods.WaitHandler();
        await using var client = await TestClient.InitializedAsync(TestMethods.Table(waiter));
        _ = client.RequestAsync(TestMethods.Wait, new { }, 9);
        await waiter.Started();

        await client.ResultAsync("shutdown");
        await client.NotifyAsync("exit");

        Assert.Equal(0, await client.ExitCodeAsync());
    }
}
