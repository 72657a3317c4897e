using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Dstack.LanguageServer.Server;

/// <summary>A notification handler with typed params, read through the source-generated context.</summary>
public abstract class NotificationHandler<TParams>(string method, JsonTypeInfo<TParams> paramsType) : INotificationHandler
{
    public string Method { get; } = method;

    Task INotificationHandler.HandleAsync(JsonElement? parameters, ServerContext context) =>
        HandleAsync(TypedParams.Read(Method, parameters, paramsType), context);

    protected abstract Task HandleAsync(TParams parameters, ServerContext context);
}
