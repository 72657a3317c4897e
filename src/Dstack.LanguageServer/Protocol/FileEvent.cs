namespace Dstack.LanguageServer.Protocol;

/// <summary>One change of <c>workspace/didChangeWatchedFiles</c>: a file created (1), changed (2) or deleted (3) on disk.</summary>
public sealed record FileEvent(string Uri, int Type);
