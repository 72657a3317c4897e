namespace Dstack.LanguageServer.Protocol;

/// <summary>An LSP <c>WorkspaceEdit</c> in its plain form: the edits of each document, by uri.</summary>
public sealed record WorkspaceEdit(IReadOnlyDictionary<string, IReadOnlyList<TextEdit>> Changes);
