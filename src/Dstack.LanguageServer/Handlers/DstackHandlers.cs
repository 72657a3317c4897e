using Dstack.LanguageServer.Offers;
using Dstack.LanguageServer.Server;

namespace Dstack.LanguageServer.Handlers;

/// <summary>The dispatch table of the dstack language server: every method it handles.</summary>
public static class DstackHandlers
{
    public static DispatchTable Create() => Create(EditorOffers.ThisMachine());

    /// <summary>The table with offers from <paramref name="offers"/> (one per server: it keeps the detected machine and the pool's probes).</summary>
    public static DispatchTable Create(EditorOffers offers) => new DispatchTable()
        .Add(new InitializeHandler())
        .Add(new InitializedHandler())
        .Add(new ShutdownHandler())
        .Add(new ExitHandler())
        .Add(new DidOpenHandler())
        .Add(new DidChangeHandler())
        .Add(new DidCloseHandler())
        .Add(new DocumentDiagnosticHandler())
        .Add(new CodeLensHandler(offers))
        .Add(new ExecuteCommandHandler(offers))
        .Add(new CodeActionHandler())
        .Add(new HoverHandler())
        .Add(new DocumentSymbolHandler())
        .Add(new FormattingHandler())
        .Add(new CompletionHandler());
}
