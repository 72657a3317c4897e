using System.Text.Json;
using System.Text.Json.Nodes;
using Dstack.LanguageServer.Tests.Support;

namespace Dstack.LanguageServer.Tests.Server;

/// <summary>Work-done progress through <see cref="Dstack.LanguageServer.Server.WorkDoneProgress"/>, as a client sees it.</summary>
[Trait("Category", "Fast")]
public sealed class WorkDoneProgressTests
{
    private static readonly object WithProgress = new { window = new { workDoneProgress = true } };

    [Fact]
    public async Task ClientShowsProgress_ServerCreatesATokenThenBeginsReportsAndEnds()
    {
        await using var client = await TestClient.InitializedAsync(Table(), WithProgress);
        var accept = new TaskCompletionSource<TestReply>();
        client.Responder = (_, _) => accept.Task;

        var response = client.RequestAsync(TestMethods.Progress, new { steps = 3 });
        var create = await client.WaitForAsync(m => m.TryGetProperty("method", out var method) && method.GetString() == "window/workDoneProgress/create", "the request for a token");
        // Until the client has accepted the token, nothing may be reported under it.
        await Task.Delay(200);
        Assert.Empty(client.Notifications("$/progress"));
        accept.SetResult(TestReply.With(null));
        var result = (await response).GetProperty("result");

        Assert.True(result.GetProperty("shown").GetBoolean());
        Assert.Single(client.ServerRequests("window/workDoneProgress/create"));
        var token = create.GetProperty("params").GetProperty("token");
        Assert.Equal(JsonValueKind.String, token.ValueKind);
        var progress = client.Notifications("$/progress");
        Assert.All(progress, p => Assert.Equal(token.GetRawText(), p.GetProperty("token").GetRawText()));
        var values = progress.Select(p => p.GetProperty("value")).ToList();
        Assert.Equal(["begin", "report", "report", "report", "end"], values.Select(v => v.GetProperty("kind").GetString()));
        Assert.Equal("Checking", values[0].GetProperty("title").GetString());
        Assert.False(values[0].GetProperty("cancellable").GetBoolean());
        Assert.Equal([0, 33, 66, 100], values.Take(4).Select(v => v.GetProperty("percentage").GetInt32()));
        Assert.Equal(["0 of 3", "1 of 3", "2 of 3", "3 of 3", "3 checked"], values.Select(v => v.GetProperty("message").GetString()));
        Assert.False(values[4].TryGetProperty("percentage", out _));
    }

    [Fact]
    public async Task TwoPiecesOfWork_GetTokensOfTheirOwn()
    {
        await using var client = await TestClient.InitializedAsync(Table(), WithProgress);

        await client.ResultAsync(TestMethods.Progress, new { steps = 1 });
        await client.ResultAsync(TestMethods.Progress, new { steps = 1 });

        var tokens = client.ServerRequests("window/workDoneProgress/create").Select(r => r.GetProperty("params").GetProperty("token").GetString()).ToList();
        Assert.Equal(2, tokens.Distinct().Count());
    }

    [Fact]
    public async Task ClientWithoutProgress_NothingIsSent_AndTheWorkIsDone()
    {
        await using var client = await TestClient.InitializedAsync(Table());

        var result = await client.ResultAsync(TestMethods.Progress, new { steps = 2 });

        Assert.False(result.GetProperty("shown").GetBoolean());
        Assert.Empty(client.ServerRequests());
        Assert.Empty(client.Notifications("$/progress"));
    }

    [Theory]
    [InlineData("\"editor-token-1\"")]
    [InlineData("17")]
    public async Task ClientGivesAWorkDoneToken_ItIsUsedAsIs_WithoutCreatingOne(string tokenJson)
    {
        // The client declared no window.workDoneProgress: a token in the request is enough.
        await using var client = await TestClient.InitializedAsync(Table());

        var result = await client.ResultAsync(TestMethods.Progress, new JsonObject { ["steps"] = 1, ["workDoneToken"] = JsonNode.Parse(tokenJson) });

        Assert.True(result.GetProperty("shown").GetBoolean());
        Assert.Empty(client.ServerRequests());
        var progress = client.Notifications("$/progress");
        Assert.Equal(3, progress.Count);
        Assert.All(progress, p => Assert.Equal(tokenJson, p.GetProperty("token").GetRawText()));
    }

    [Fact]
    public async Task ClientRefusesTheToken_TheWorkGoesOnWithoutProgress()
    {
        await using var client = await TestClient.InitializedAsync(Table(), WithProgress);
        client.Responder = (_, _) => Task.FromResult(TestReply.Error(-32603, "no progress today"));

        var result = await client.ResultAsync(TestMethods.Progress, new { steps = 2 });

        Assert.False(result.GetProperty("shown").GetBoolean());
        Assert.Single(client.ServerRequests("window/workDoneProgress/create"));
        Assert.Empty(client.Notifications("$/progress"));
        Assert.Contains("no progress shown: the client answered 'window/workDoneProgress/create' with error -32603: no progress today", client.Stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WorkThatThrows_StillEndsItsProgress()
    {
        await using var client = await TestClient.InitializedAsync(Table(), WithProgress);

        var error = await client.ErrorAsync(TestMethods.Progress, new { steps = 3, fail = true });

        Assert.Contains("failed half way", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        var kinds = client.Notifications("$/progress").Select(p => p.GetProperty("value").GetProperty("kind").GetString());
        Assert.Equal(["begin", "report", "end"], kinds);
    }

    private static Dstack.LanguageServer.Server.DispatchTable Table() => TestMethods.Table(new TestMethods.WaitHandler());
}
