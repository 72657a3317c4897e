using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Dstack.LanguageServer.Server;

/// <summary>A notification handler with typed params, read through the source-generated context.</summary>
public abstract class NotificationHandler<TParams>(string method, Func<JsonTypeInfo<TParams>> paramsType) : INotificationHandler
{
    // Resolved at the first notification (see RequestHandler).
    private JsonTypeInfo<TParams>? _paramsType;

    public string Method { get; } = method;

    Task INotificationHandler.HandleAsync(JsonElement? parameters, ServerContext context) =>
        HandleAsync(TypedParams.Read(Method, parameters, _paramsType ??= paramsType()), context);

    protected abstract Task HandleAsync(TParams parameters, ServerContext context);
}
