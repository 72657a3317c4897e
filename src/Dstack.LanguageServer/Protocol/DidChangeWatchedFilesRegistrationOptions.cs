namespace Dstack.LanguageServer.Protocol;

/// <summary>The <c>registerOptions</c> of a <c>workspace/didChangeWatchedFiles</c> registration.</summary>
public sealed record DidChangeWatchedFilesRegistrationOptions(IReadOnlyList<LspFileSystemWatcher> Watchers);
