namespace Dstack.LanguageServer.Protocol;

/// <param name="Identifier">Names this server's diagnostics in the client.</param>
/// <param name="InterFileDependencies">True: a workflows file's diagnostics depend on the other workflows files of its folder (their deps).</param>
/// <param name="WorkspaceDiagnostics">False: no <c>workspace/diagnostic</c>.</param>
public sealed record DiagnosticOptions(string Identifier, bool InterFileDependencies, bool WorkspaceDiagnostics);
