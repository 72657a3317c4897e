using System.Text.Json;

namespace Dstack.LanguageServer.Protocol;

/// <summary>A message that expects no response.</summary>
public sealed record NotificationMessage(string Method, JsonElement? Params = null) : JsonRpcMessage;
