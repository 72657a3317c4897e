using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Dstack.LanguageServer.Protocol;

namespace Dstack.LanguageServer.Server;

/// <summary>A request handler with typed params and result, read and written through the source-generated context.</summary>
public abstract class RequestHandler<TParams, TResult>(string method, Func<JsonTypeInfo<TParams>> paramsType, Func<JsonTypeInfo<TResult>> resultType) : IJsonResultHandler
{
    // Resolved at a method's first request, not when the table is made: a server answers `initialize` sooner when it
    // has not built the metadata of every other method's types first (docs/performance.md, "LSP cold start").
    private JsonTypeInfo<TParams>? _paramsType;
    private JsonTypeInfo<TResult>? _resultType;
    private JsonTypeInfo<TResult>? _wireResultType;

    public string Method { get; } = method;

    /// <inheritdoc/>
    public virtual bool RunsOnReadLoop => false;

    async Task<JsonElement> IRequestHandler.HandleAsync(JsonElement? parameters, ServerContext context, CancellationToken cancellation)
    {
        var typed = TypedParams.Read(Method, parameters, _paramsType ??= paramsType());
        var result = await HandleAsync(typed, context, cancellation).ConfigureAwait(false);
        return JsonSerializer.SerializeToElement(result, _resultType ??= resultType());
    }

    async Task<PooledJson> IJsonResultHandler.HandleToJsonAsync(JsonElement? parameters, ServerContext context, CancellationToken cancellation)
    {
        var typed = TypedParams.Read(Method, parameters, _paramsType ??= paramsType());
        var result = await HandleAsync(typed, context, cancellation).ConfigureAwait(false);
        // The same contract with the wire's escaping: the bytes an element of the result would be written as (a writer
        // takes its escaping from its own options, not from the contract's).
        _wireResultType ??= (JsonTypeInfo<TResult>)LspJsonContext.Wire.GetTypeInfo(typeof(TResult))!;
        var json = new PooledJson();
        try
        {
            using var writer = new Utf8JsonWriter(json, new JsonWriterOptions { Encoder = LspJsonContext.Wire.Options.Encoder, SkipValidation = true });
            JsonSerializer.Serialize(writer, result, _wireResultType);
            return json;
        }
        catch
        {
            json.Dispose();
            throw;
        }
    }

    protected abstract Task<TResult> HandleAsync(TParams parameters, ServerContext context, CancellationToken cancellation);
}
