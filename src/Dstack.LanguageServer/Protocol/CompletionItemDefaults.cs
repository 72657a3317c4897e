namespace Dstack.LanguageServer.Protocol;

/// <summary>The members every item of a completion list shares (<c>CompletionList.itemDefaults</c>, LSP 3.17).</summary>
/// <param name="EditRange">The range each item's text replaces: its <c>textEditText</c>, else its label.</param>
public sealed record CompletionItemDefaults(TextRange? EditRange);
