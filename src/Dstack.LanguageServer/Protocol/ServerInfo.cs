namespace Dstack.LanguageServer.Protocol;

public sealed record ServerInfo(string Name, string Version);
