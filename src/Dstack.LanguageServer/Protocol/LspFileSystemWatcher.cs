namespace Dstack.LanguageServer.Protocol;

/// <summary>An LSP <c>FileSystemWatcher</c> (named so as not to clash with .NET's): a glob of files whose changes on disk the client reports, of every kind.</summary>
public sealed record LspFileSystemWatcher(string GlobPattern);
