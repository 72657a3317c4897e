using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Transport;

namespace Dstack.LanguageServer.Server;

/// <summary>Everything the server sends to the client: responses and notifications, as framed JSON-RPC messages.</summary>
public sealed class ClientChannel(MessageWriter writer)
{
    /// <summary>Sends a notification whose params are <paramref name="value"/>.</summary>
    public Task NotifyAsync<T>(string method, T value, JsonTypeInfo<T> type) =>
        SendAsync(new NotificationMessage(method, JsonSerializer.SerializeToElement(value, type)), LspJsonContext.Wire.NotificationMessage);

    internal Task RespondAsync(RequestId id, JsonElement result) =>
        SendAsync(new ResponseMessage(id, result), LspJsonContext.Wire.ResponseMessage);

    internal Task RespondErrorAsync(RequestId? id, ResponseError error) =>
        SendAsync(new ErrorResponseMessage(id, error), LspJsonContext.Wire.ErrorResponseMessage);

    private async Task SendAsync<T>(T message, JsonTypeInfo<T> type) =>
        await writer.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(message, type)).ConfigureAwait(false);
}
