namespace Dstack.LanguageServer.Protocol;

/// <summary>The names of the methods this server knows, as the LSP specification spells them.</summary>
public static class Methods
{
    public const string Initialize = "initialize";
    public const string Initialized = "initialized";
    public const string Shutdown = "shutdown";
    public const string Exit = "exit";
    public const string CancelRequest = "$/cancelRequest";
    public const string DidOpen = "textDocument/didOpen";
    public const string DidChange = "textDocument/didChange";
    public const string DidClose = "textDocument/didClose";
    public const string PublishDiagnostics = "textDocument/publishDiagnostics";
    public const string DocumentDiagnostic = "textDocument/diagnostic";
    public const string Completion = "textDocument/completion";
    public const string CompletionResolve = "completionItem/resolve";
    public const string LogMessage = "window/logMessage";
    public const string CodeLens = "textDocument/codeLens";
    public const string CodeAction = "textDocument/codeAction";
    public const string ExecuteCommand = "workspace/executeCommand";
    public const string WorkDoneProgressCreate = "window/workDoneProgress/create";
    public const string Progress = "$/progress";
    public const string Hover = "textDocument/hover";
    public const string DocumentSymbol = "textDocument/documentSymbol";
    public const string Formatting = "textDocument/formatting";
    public const string DidChangeWatchedFiles = "workspace/didChangeWatchedFiles";
    public const string RegisterCapability = "client/registerCapability";
    public const string DiagnosticRefresh = "workspace/diagnostic/refresh";
    public const string CodeLensRefresh = "workspace/codeLens/refresh";
    public const string ShowDocument = "window/showDocument";
}
