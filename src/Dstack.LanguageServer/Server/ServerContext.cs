using Dstack.LanguageServer.Documents;

namespace Dstack.LanguageServer.Server;

/// <summary>What handlers work with: the open documents, the way to the client, the log and the lifecycle.</summary>
public sealed class ServerContext(DocumentStore documents, ClientChannel client, ServerLog log, Lifecycle lifecycle)
{
    public DocumentStore Documents { get; } = documents;

    public ClientChannel Client { get; } = client;

    public ServerLog Log { get; } = log;

    public Lifecycle Lifecycle { get; } = lifecycle;

    /// <summary>Background work by document, newest first: the diagnostics pushed after opens and edits.</summary>
    public LatestWork Background { get; } = new(e => log.Info($"background work failed: {e.GetType().Name}: {e.Message}\n{e.StackTrace}"));
}
