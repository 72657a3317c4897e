namespace Dstack.LanguageServer.Protocol;

/// <summary>The params of <c>workspace/didChangeWatchedFiles</c>: what changed on disk among the files the server watches.</summary>
public sealed record DidChangeWatchedFilesParams(IReadOnlyList<FileEvent> Changes);
