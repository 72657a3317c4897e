using System.Text.Json;

namespace Dstack.LanguageServer.Server;

/// <summary>
/// A request handler that can also give its result as the UTF-8 JSON that goes on the wire, so the session writes it
/// into the response as it is: no <see cref="JsonElement"/> is built and written again in between (for a long
/// completion list that round trip was most of a request's time and allocation). The bytes are what
/// <see cref="IRequestHandler.HandleAsync"/>'s element would be written as.
/// </summary>
public interface IJsonResultHandler : IRequestHandler
{
    /// <summary>
    /// The result as JSON, written with the wire's options into a pooled buffer the caller disposes once it is sent; the
    /// same errors as <see cref="IRequestHandler.HandleAsync"/>.
    /// </summary>
    Task<PooledJson> HandleToJsonAsync(JsonElement? parameters, ServerContext context, CancellationToken cancellation);
}
