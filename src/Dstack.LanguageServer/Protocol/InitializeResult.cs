namespace Dstack.LanguageServer.Protocol;

public sealed record InitializeResult(ServerCapabilities Capabilities, ServerInfo ServerInfo);
