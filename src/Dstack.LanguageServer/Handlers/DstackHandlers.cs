using Dstack.LanguageServer.Server;

namespace Dstack.LanguageServer.Handlers;

/// <summary>The dispatch table of the dstack language server: every method it handles.</summary>
public static class DstackHandlers
{
    public static DispatchTable Create() => new DispatchTable()
        .Add(new InitializeHandler())
        .Add(new InitializedHandler())
        .Add(new ShutdownHandler())
        .Add(new ExitHandler())
        .Add(new DidOpenHandler())
        .Add(new DidChangeHandler())
        .Add(new DidCloseHandler())
        .Add(new DocumentDiagnosticHandler())
        .Add(new CompletionHandler());
}
