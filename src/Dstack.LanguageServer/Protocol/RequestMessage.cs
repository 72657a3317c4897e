using System.Text.Json;

namespace Dstack.LanguageServer.Protocol;

/// <summary>A call that expects a response with the same <paramref name="Id"/>.</summary>
public sealed record RequestMessage(RequestId Id, string Method, JsonElement? Params = null) : JsonRpcMessage;
