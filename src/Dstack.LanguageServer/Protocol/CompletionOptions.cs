namespace Dstack.LanguageServer.Protocol;

/// <summary>The <c>completionProvider</c> capability.</summary>
/// <param name="TriggerCharacters">Characters that ask for completion as they are typed.</param>
/// <param name="ResolveProvider">False: items come complete, there is no <c>completionItem/resolve</c>.</param>
public sealed record CompletionOptions(IReadOnlyList<string> TriggerCharacters, bool ResolveProvider);
