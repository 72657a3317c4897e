using System.Text.Json;

namespace Dstack.LanguageServer.Protocol;

/// <summary>A successful response. <paramref name="Result"/> is always written, as JSON <c>null</c> when there is none.</summary>
public sealed record ResponseMessage(RequestId Id, JsonElement Result) : JsonRpcMessage;
