using Dstack.LanguageServer.Offers;
using Dstack.LanguageServer.Runs;
using Dstack.LanguageServer.Server;

namespace Dstack.LanguageServer.Handlers;

/// <summary>The dispatch table of the dstack language server: every method it handles.</summary>
public static class DstackHandlers
{
    public static DispatchTable Create() => Create(EditorOffers.ThisMachine());

    /// <summary>
    /// The table with offers from <paramref name="offers"/> (one per server: it keeps the detected machine and the
    /// pool's probes), and the progress of the runs of the same <c>$DSTACK_HOME</c>, read every
    /// <paramref name="runPoll"/> (default <see cref="RunProgressWatcher.DefaultInterval"/>).
    /// </summary>
    public static DispatchTable Create(EditorOffers offers, TimeSpan? runPoll = null)
    {
        // One reader for the lenses and the watcher that refreshes them: it keeps the state store open.
        var endpoints = new RunEndpointsReader(offers.Home);
        return new DispatchTable()
            .Add(new InitializeHandler())
            .Add(new InitializedHandler(offers.Home, endpoints, runPoll))
            .Add(new ShutdownHandler())
            .Add(new ExitHandler())
            .Add(new DidOpenHandler())
            .Add(new DidChangeHandler())
            .Add(new DidCloseHandler())
            .Add(new DidChangeWatchedFilesHandler())
            .Add(new DocumentDiagnosticHandler())
            .Add(new CodeLensHandler(offers, endpoints))
            .Add(new ExecuteCommandHandler(offers))
            .Add(new CodeActionHandler())
            .Add(new HoverHandler())
            .Add(new DocumentSymbolHandler())
            .Add(new FormattingHandler())
            .Add(new CompletionHandler())
            .Add(new CompletionResolveHandler());
    }
}
