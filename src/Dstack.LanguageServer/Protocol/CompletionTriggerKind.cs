namespace Dstack.LanguageServer.Protocol;

/// <summary>LSP <c>CompletionTriggerKind</c> values.</summary>
public static class CompletionTriggerKind
{
    /// <summary>Typed an identifier character, or asked explicitly (Ctrl+Space).</summary>
    public const int Invoked = 1;

    /// <summary>Typed one of the server's trigger characters.</summary>
    public const int TriggerCharacter = 2;

    /// <summary>Re-triggered because the last list was incomplete.</summary>
    public const int TriggerForIncompleteCompletions = 3;
}
