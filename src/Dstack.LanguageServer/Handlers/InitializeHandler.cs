using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Server;

namespace Dstack.LanguageServer.Handlers;

/// <summary><c>initialize</c>: says what this server offers. The lifecycle (once, first) is the session's business.</summary>
public sealed class InitializeHandler() : RequestHandler<InitializeParams, InitializeResult>(Methods.Initialize, LspJsonContext.Default.InitializeParams, LspJsonContext.Default.InitializeResult)
{
    public static ServerCapabilities Capabilities { get; } = new(
        PositionEncoding: "utf-16",
        TextDocumentSync: new TextDocumentSyncOptions(OpenClose: true, Change: TextDocumentSyncKind.Incremental),
        DiagnosticProvider: new DiagnosticOptions(Identifier: DocumentDiagnostics.Source, InterFileDependencies: false, WorkspaceDiagnostics: false),
        CompletionProvider: CompletionHandler.Options);

    protected override Task<InitializeResult> HandleAsync(InitializeParams parameters, ServerContext context, CancellationToken cancellation)
    {
        var client = parameters.ClientInfo is { } info ? $"{info.Name} {info.Version}".TrimEnd() : "a client that did not name itself";
        context.Log.Info($"initialized by {client}");
        return Task.FromResult(new InitializeResult(Capabilities, new ServerInfo("dstack-language-server", ServerSession.Version)));
    }
}
