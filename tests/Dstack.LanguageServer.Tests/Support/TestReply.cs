using System.Text.Json.Nodes;

namespace Dstack.LanguageServer.Tests.Support;

/// <summary>How the <see cref="TestClient"/> answers one request from the server: a result, an error, or nothing at all.</summary>
public sealed record TestReply(JsonNode? Result, int? ErrorCode = null, string? ErrorMessage = null, bool Silent = false)
{
    /// <summary>No answer at all, as a client that hangs or drops the request.</summary>
    public static TestReply None { get; } = new(null, Silent: true);

    public static TestReply With(JsonNode? result) => new(result);

    public static TestReply Error(int code, string message) => new(null, code, message);

    /// <summary>What the test client does unless told otherwise: accepts progress tokens, and knows no other request.</summary>
    public static Task<TestReply> Default(string method, System.Text.Json.JsonElement? parameters) => Task.FromResult(method == "window/workDoneProgress/create"
        ? With(null)
        : Error(-32601, $"method not found: the test client does not handle '{method}'"));
}
