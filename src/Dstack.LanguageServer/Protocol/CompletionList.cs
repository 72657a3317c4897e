namespace Dstack.LanguageServer.Protocol;

/// <summary>The result of <c>textDocument/completion</c>.</summary>
/// <param name="IsIncomplete">False: the list is complete, and the client filters it as the user types on.</param>
/// <param name="Items">The completions.</param>
public sealed record CompletionList(bool IsIncomplete, IReadOnlyList<CompletionItem> Items)
{
    /// <summary>What every item shares (LSP 3.17 <c>itemDefaults</c>), for a client that declared it reads them.</summary>
    public CompletionItemDefaults? ItemDefaults { get; init; }

    public static CompletionList Empty { get; } = new(false, []);
}
