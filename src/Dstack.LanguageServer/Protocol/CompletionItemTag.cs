namespace Dstack.LanguageServer.Protocol;

/// <summary>LSP <c>CompletionItemTag</c> values.</summary>
public static class CompletionItemTag
{
    /// <summary>Shown struck through.</summary>
    public const int Deprecated = 1;
}
