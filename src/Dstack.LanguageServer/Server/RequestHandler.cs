using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Dstack.LanguageServer.Server;

/// <summary>A request handler with typed params and result, read and written through the source-generated context.</summary>
public abstract class RequestHandler<TParams, TResult>(string method, JsonTypeInfo<TParams> paramsType, JsonTypeInfo<TResult> resultType) : IRequestHandler
{
    public string Method { get; } = method;

    async Task<JsonElement> IRequestHandler.HandleAsync(JsonElement? parameters, ServerContext context, CancellationToken cancellation)
    {
        var typed = TypedParams.Read(Method, parameters, paramsType);
        var result = await HandleAsync(typed, context, cancellation).ConfigureAwait(false);
        return JsonSerializer.SerializeToElement(result, resultType);
    }

    protected abstract Task<TResult> HandleAsync(TParams parameters, ServerContext context, CancellationToken cancellation);
}
