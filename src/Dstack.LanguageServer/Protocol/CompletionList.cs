namespace Dstack.LanguageServer.Protocol;

/// <summary>The result of <c>textDocument/completion</c>.</summary>
/// <param name="IsIncomplete">False: the list is complete, and the client filters it as the user types on.</param>
/// <param name="Items">The completions.</param>
public sealed record CompletionList(bool IsIncomplete, IReadOnlyList<CompletionItem> Items)
{
    public static CompletionList Empty { get; } = new(false, []);
}
