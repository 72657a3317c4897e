using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Server;

namespace Dstack.LanguageServer.Handlers;

/// <summary>
/// <c>initialize</c>: says what this server offers, notes what the client can do, and starts watching the editor's
/// process. The lifecycle (once, first) is the session's business.
/// </summary>
public sealed class InitializeHandler() : RequestHandler<InitializeParams, InitializeResult>(Methods.Initialize, () => LspJsonContext.Default.InitializeParams, () => LspJsonContext.Default.InitializeResult)
{
    public static ServerCapabilities Capabilities { get; } = new(
        PositionEncoding: "utf-16",
        TextDocumentSync: new TextDocumentSyncOptions(OpenClose: true, Change: TextDocumentSyncKind.Incremental),
        DiagnosticProvider: new DiagnosticOptions(Identifier: DocumentDiagnostics.Source, InterFileDependencies: true, WorkspaceDiagnostics: false))
    {
        CodeLensProvider = new CodeLensOptions(ResolveProvider: false),
        ExecuteCommandProvider = new ExecuteCommandOptions(Commands.DstackCommands.Advertised),
        CodeActionProvider = new CodeActionOptions([CodeActionHandler.QuickFixKind], ResolveProvider: false),
        HoverProvider = true,
        DocumentSymbolProvider = true,
        DocumentFormattingProvider = true,
        CompletionProvider = CompletionHandler.Options,
    };

    protected override async Task<InitializeResult> HandleAsync(InitializeParams parameters, ServerContext context, CancellationToken cancellation)
    {
        context.ClientFeatures = ClientFeatures.From(parameters.Capabilities);
        var client = parameters.ClientInfo is { } info ? $"{info.Name} {info.Version}".TrimEnd() : "a client that did not name itself";
        // LSP lets the server log to the client while initialize is being answered.
        await context.Log.NoticeAsync($"dstack-language-server {ServerSession.Version} started (process {Environment.ProcessId}, .NET {Environment.Version}), initialized by {client}").ConfigureAwait(false);
        if (parameters.ProcessId is { } editor)
        {
            if (context.WatchEditor(editor))
            {
                context.Log.Info($"watching the editor's process {editor}: the server stops when it ends");
            }
            else
            {
                await context.Log.WarningAsync($"the editor's process {editor} (processId) is not running, or not visible from here (another container or pid namespace); the server does not watch it and stops when its input ends").ConfigureAwait(false);
            }
        }

        return new InitializeResult(Capabilities, new ServerInfo("dstack-language-server", ServerSession.Version));
    }
}
