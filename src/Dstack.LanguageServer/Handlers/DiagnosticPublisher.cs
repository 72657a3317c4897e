using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Server;

namespace Dstack.LanguageServer.Handlers;

/// <summary>Pushes a document's diagnostics (<c>textDocument/publishDiagnostics</c>), tagged with the version they describe.</summary>
public static class DiagnosticPublisher
{
    public static Task PublishAsync(ServerContext context, DocumentSnapshot document) =>
        SendAsync(context, new PublishDiagnosticsParams(document.Uri, document.Version, DocumentDiagnostics.Compute(document)));

    /// <summary>Clears the diagnostics of a closed document: an empty list, as LSP asks.</summary>
    public static Task ClearAsync(ServerContext context, string uri) =>
        SendAsync(context, new PublishDiagnosticsParams(uri, null, []));

    private static Task SendAsync(ServerContext context, PublishDiagnosticsParams parameters) =>
        context.Client.NotifyAsync(Methods.PublishDiagnostics, parameters, LspJsonContext.Default.PublishDiagnosticsParams);
}
