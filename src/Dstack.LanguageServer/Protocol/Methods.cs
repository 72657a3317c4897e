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
    public const string LogMessage = "window/logMessage";
}
