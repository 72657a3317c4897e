namespace Dstack.LanguageServer.Protocol;

/// <summary>An LSP <c>CodeAction</c> with its edit.</summary>
/// <param name="Title">What the editor's menu shows.</param>
/// <param name="Kind">Always <c>quickfix</c> here.</param>
/// <param name="Diagnostics">The diagnostic it fixes.</param>
/// <param name="IsPreferred">True when it is the one obvious fix (editors apply it with "auto fix").</param>
/// <param name="Edit">The change to make.</param>
public sealed record CodeAction(string Title, string Kind, IReadOnlyList<LspDiagnostic> Diagnostics, bool IsPreferred, WorkspaceEdit Edit);
