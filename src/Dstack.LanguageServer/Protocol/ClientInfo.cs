namespace Dstack.LanguageServer.Protocol;

/// <summary>The client's name and version, as it introduces itself in <c>initialize</c>.</summary>
public sealed record ClientInfo(string Name, string? Version = null);
