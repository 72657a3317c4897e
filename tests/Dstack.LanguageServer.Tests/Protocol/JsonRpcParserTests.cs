using System.Text;
using System.Text.Json;
using Dstack.LanguageServer.Protocol;

namespace Dstack.LanguageServer.Tests.Protocol;

[Trait("Category", "Fast")]
public sealed class JsonRpcParserTests
{
    [Fact]
    public void Parse_Request_KeepsIdMethodAndParams()
    {
        var message = Parse("""{"jsonrpc":"2.0","id":7,"method":"textDocument/diagnostic","params":{"textDocument":{"uri":"file:///a"}}}""");

        var request = Assert.IsType<RequestMessage>(message);
        Assert.Equal(new RequestId(7), request.Id);
        Assert.Equal("textDocument/diagnostic", request.Method);
        Assert.Equal("file:///a", request.Params!.Value.GetProperty("textDocument").GetProperty("uri").GetString());
    }

    [Fact]
    public void Parse_StringId_StaysAString()
    {
        var request = Assert.IsType<RequestMessage>(Parse("""{"jsonrpc":"2.0","id":"7","method":"shutdown"}"""));

        Assert.Equal(new RequestId("7"), request.Id);
        Assert.NotEqual(new RequestId(7), request.Id);
        Assert.Null(request.Params);
    }

    [Fact]
    public void Parse_NoId_IsANotification()
    {
        var notification = Assert.IsType<NotificationMessage>(Parse("""{"jsonrpc":"2.0","method":"exit"}"""));

        Assert.Equal("exit", notification.Method);
    }

    [Fact]
    public void Parse_ResultOrError_IsAResponse()
    {
        Assert.IsType<ResponseMessage>(Parse("""{"jsonrpc":"2.0","id":1,"result":null}"""));
        var error = Assert.IsType<ErrorResponseMessage>(Parse("""{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"no"}}"""));
        Assert.Equal(-32601, error.Error.Code);
    }

    [Theory]
    [InlineData("{", ErrorCodes.ParseError, null)]
    [InlineData("", ErrorCodes.ParseError, null)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\"} trailing", ErrorCodes.ParseError, null)]
    [InlineData("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\"}]", ErrorCodes.InvalidRequest, null)]
    [InlineData("42", ErrorCodes.InvalidRequest, null)]
    [InlineData("{\"id\":3,\"method\":\"x\"}", ErrorCodes.InvalidRequest, "3")]
    [InlineData("{\"jsonrpc\":\"1.0\",\"id\":\"a\",\"method\":\"x\"}", ErrorCodes.InvalidRequest, "a")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":5}", ErrorCodes.InvalidRequest, "4")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"\"}", ErrorCodes.InvalidRequest, "4")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"x\",\"params\":\"text\"}", ErrorCodes.InvalidRequest, "5")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"x\"}", ErrorCodes.InvalidRequest, null)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"x\"}", ErrorCodes.InvalidRequest, null)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"x\"}", ErrorCodes.InvalidRequest, null)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":6}", ErrorCodes.InvalidRequest, "6")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":6,\"error\":{\"code\":\"x\",\"message\":\"m\"}}", ErrorCodes.InvalidRequest, "6")]
    public void Parse_NotAMessage_ThrowsTheErrorToAnswer(string body, int code, string? id)
    {
        var error = Assert.Throws<JsonRpcException>(() => Parse(body));

        Assert.Equal(code, error.Code);
        Assert.Equal(id, error.Id?.ToString());
    }

    [Fact]
    public void Parse_InvalidUtf8_IsAParseError()
    {
        var error = Assert.Throws<JsonRpcException>(() => JsonRpcParser.Parse(new byte[] { (byte)'"', 0xFF, (byte)'"' }));

        Assert.Equal(ErrorCodes.ParseError, error.Code);
    }

    [Fact]
    public void Serialize_ErrorWithoutId_WritesIdNull()
    {
        var json = JsonSerializer.Serialize(new ErrorResponseMessage(null, new ResponseError(ErrorCodes.ParseError, "bad")), LspJsonContext.Wire.ErrorResponseMessage);

        using var document = JsonDocument.Parse(json);
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("id").ValueKind);
        Assert.Equal("2.0", document.RootElement.GetProperty("jsonrpc").GetString());
        Assert.False(document.RootElement.TryGetProperty("result", out _));
    }

    [Fact]
    public void Serialize_NullResult_WritesResultNull()
    {
        var nothing = JsonSerializer.SerializeToElement(default(JsonElement?), LspJsonContext.Default.NullableJsonElement);
        var json = JsonSerializer.Serialize(new ResponseMessage(new RequestId("x"), nothing), LspJsonContext.Wire.ResponseMessage);

        Assert.Contains("\"result\":null", json, StringComparison.Ordinal);
        Assert.Contains("\"id\":\"x\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("error", json, StringComparison.Ordinal);
    }

    private static JsonRpcMessage Parse(string body) => JsonRpcParser.Parse(Encoding.UTF8.GetBytes(body));
}
