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
    /// Whether the session runs this handler on its reading loop rather than on the thread pool. Only for answers
    /// computed from the documents in memory in a fraction of a millisecond, without waiting on anything (completion,
    /// hover): for those, waking a pool thread costs more than the work, and on a busy machine it is what made the
    /// latency tail (issue 20). Handlers that may take longer keep the default, so that the loop goes on reading
    /// (a <c>$/cancelRequest</c>, the next edit) while they run.
    /// </summary>
    bool RunsOnReadLoop => false;

    /// <summary>
    /// The result, as JSON. Throw <see cref="Protocol.JsonRpcException"/> to answer a specific error, or let
    /// <paramref name="cancellation"/> throw once the client cancels; any other exception is answered as an internal error.
    /// </summary>
    Task<JsonElement> HandleAsync(JsonElement? parameters, ServerContext context, CancellationToken cancellation);
}
