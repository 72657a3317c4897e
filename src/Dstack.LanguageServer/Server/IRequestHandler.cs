using System.Text.Json;

namespace Dstack.LanguageServer.Server;

/// <summary>
/// Answers one request method. The session calls <see cref="HandleAsync"/> on its reading loop, so the handler sees
/// the documents as they were when the request arrived; work that takes time must be awaited, not blocked on.
/// </summary>
public interface IRequestHandler
{
    string Method { get; }

    /// <summary>
    /// The result, as JSON. Throw <see cref="Protocol.JsonRpcException"/> to answer a specific error, or let
    /// <paramref name="cancellation"/> throw once the client cancels; any other exception is answered as an internal error.
    /// </summary>
    Task<JsonElement> HandleAsync(JsonElement? parameters, ServerContext context, CancellationToken cancellation);
}
