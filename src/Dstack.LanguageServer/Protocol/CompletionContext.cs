namespace Dstack.LanguageServer.Protocol;

/// <summary>How a completion request was triggered.</summary>
/// <param name="TriggerKind">One of <see cref="CompletionTriggerKind"/>.</param>
/// <param name="TriggerCharacter">The character typed, for <see cref="CompletionTriggerKind.TriggerCharacter"/>.</param>
public sealed record CompletionContext(int TriggerKind, string? TriggerCharacter = null);
