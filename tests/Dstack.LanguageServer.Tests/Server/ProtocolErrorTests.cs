using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Server;
using Dstack.LanguageServer.Tests.Support;

namespace Dstack.LanguageServer.Tests.Server;

/// <summary>A client's mistakes, and the server's own bugs, get JSON-RPC errors; the session goes on.</summary>
[Trait("Category", "Fast")]
public sealed class ProtocolErrorTests
{
    [Fact]
    public async Task UnknownRequest_IsMethodNotFound()
    {
        await using var client = await TestClient.InitializedAsync();

        var error = await client.ErrorAsync("textDocument/noSuchThing", new { });

        Assert.Equal(ErrorCodes.MethodNotFound, error.GetProperty("code").GetInt32());
        Assert.Contains("'textDocument/noSuchThing'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownNotifications_AreIgnoredSilently()
    {
        await using var client = await TestClient.InitializedAsync(Table());

        await client.NotifyAsync("custom/whatever", new { a = 1 });
        await client.NotifyAsync("$/setTrace", new { value = "off" });
        await client.NotifyAsync("workspace/didChangeConfiguration", new { settings = new { } });

        await client.ResultAsync(TestMethods.Echo, new { ok = true });
        Assert.Empty(client.Problems());
        await AssertNoAnswerToIdNull(client);
    }

    [Fact]
    public async Task BodyThatIsNotJson_IsParseErrorWithIdNull_AndTheSessionGoesOn()
    {
        await using var client = await TestClient.InitializedAsync(Table());

        await client.SendAsync("{\"jsonrpc\":\"2.0\",\"id\":");

        var response = await client.ResponseAsync("null");
        Assert.Equal(ErrorCodes.ParseError, response.GetProperty("error").GetProperty("code").GetInt32());
        Assert.True((await client.ResultAsync(TestMethods.Echo, new { still = "here" })).GetProperty("still").GetString() == "here");
    }

    [Fact]
    public async Task MessageWithoutJsonRpcVersion_IsInvalidRequestForItsId()
    {
        await using var client = await TestClient.InitializedAsync();

        await client.SendAsync("""{"id":"abc","method":"textDocument/diagnostic"}""");

        var response = await client.ResponseAsync("\"abc\"");
        Assert.Equal(ErrorCodes.InvalidRequest, response.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task HandlerThatThrows_IsInternalErrorLoggedToTheClient_AndTheSessionGoesOn()
    {
        await using var client = await TestClient.InitializedAsync(Table());

        var error = await client.ErrorAsync(TestMethods.Throw, new { });

        Assert.Equal(ErrorCodes.InternalError, error.GetProperty("code").GetInt32());
        Assert.Contains("InvalidOperationException: boom", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        var log = await client.ProblemAsync();
        Assert.Equal(MessageType.Error, log.GetProperty("params").GetProperty("type").GetInt32());
        Assert.Contains("boom", client.Stderr.ToString(), StringComparison.Ordinal);
        await client.ResultAsync(TestMethods.Echo, new { x = 1 });
    }

    [Fact]
    public async Task NotificationHandlerThatThrows_IsLogged_AndTheSessionGoesOn()
    {
        await using var client = await TestClient.InitializedAsync(Table());

        await client.NotifyAsync(TestMethods.ThrowOnNotification, new { });

        var log = await client.ProblemAsync();
        Assert.Contains("InvalidOperationException: bang", log.GetProperty("params").GetProperty("message").GetString(), StringComparison.Ordinal);
        await client.ResultAsync(TestMethods.Echo, new { x = 1 });
        await AssertNoAnswerToIdNull(client);
    }

    [Theory]
    [InlineData("""{}""", "textDocument")]
    [InlineData("""{"textDocument":{}}""", "uri")]
    [InlineData("""{"textDocument":{"uri":null}}""", "uri")]
    [InlineData("""{"textDocument":{"uri":5}}""", "")]
    public async Task RequestWithInvalidParams_IsInvalidParams(string parameters, string mentioned)
    {
        await using var client = await TestClient.InitializedAsync();

        var error = await client.ErrorAsync("textDocument/diagnostic", System.Text.Json.Nodes.JsonNode.Parse(parameters));

        Assert.Equal(ErrorCodes.InvalidParams, error.GetProperty("code").GetInt32());
        Assert.Contains(mentioned, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotificationWithInvalidParams_IsLogged_AndNothingIsOpened()
    {
        await using var client = await TestClient.InitializedAsync();

        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri = "file:///a.dstack.yml", version = 1 } });

        var log = await client.ProblemAsync();
        Assert.Contains("invalid params for 'textDocument/didOpen'", log.GetProperty("params").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, client.Server.Documents.Count);
    }

    [Fact]
    public async Task OversizedMessage_IsRefusedWithIdNull_AndTheNextMessageServed()
    {
        await using var client = new TestClient(Table(), maxMessageBytes: 4096);
        await client.ResultAsync("initialize", new { capabilities = new { } });

        await client.SendAsync($$$"""{"jsonrpc":"2.0","id":99,"method":"{{{TestMethods.Echo}}}","params":{"pad":"{{{new string('x', 5000)}}}"}}""");

        var response = await client.ResponseAsync("null");
        Assert.Equal(ErrorCodes.InvalidRequest, response.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Contains("exceeds the limit of 4096 bytes", response.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        await client.ResultAsync(TestMethods.Echo, new { small = true });
    }

    [Fact]
    public async Task MalformedHeader_IsParseError_AndTheSessionEndsWithOne()
    {
        await using var client = await TestClient.InitializedAsync();

        await client.SendRawAsync(Frames.Ascii("Content-Length: twelve\r\n\r\n{}"));

        var response = await client.ResponseAsync("null");
        Assert.Equal(ErrorCodes.ParseError, response.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Contains("Content-Length 'twelve' is not a number", response.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await client.ExitCodeAsync());
    }

    [Fact]
    public async Task UnsolicitedResponse_IsIgnored()
    {
        await using var client = await TestClient.InitializedAsync(Table());

        await client.SendAsync("""{"jsonrpc":"2.0","id":12345,"result":{"x":1}}""");

        await client.ResultAsync(TestMethods.Echo, new { x = 1 });
        await AssertNoAnswerToIdNull(client);
    }

    private static DispatchTable Table() => TestMethods.Table(new TestMethods.WaitHandler());

    /// <summary>After one more round trip (messages are handled in order), no error without an id has come back.</summary>
    private static async Task AssertNoAnswerToIdNull(TestClient client)
    {
        await client.ResultAsync(TestMethods.Echo, new { sync = true });
        Assert.Empty(client.ResponsesTo("null"));
    }
}
