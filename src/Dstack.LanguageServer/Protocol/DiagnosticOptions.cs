namespace Dstack.LanguageServer.Protocol;

/// <param name="Identifier">Names this server's diagnostics in the client.</param>
/// <param name="InterFileDependencies">False: a file's diagnostics depend on that file alone.</param>
/// <param name="WorkspaceDiagnostics">False: no <c>workspace/diagnostic</c>.</param>
public sealed record DiagnosticOptions(string Identifier, bool InterFileDependencies, bool WorkspaceDiagnostics);
