namespace Dstack.LanguageServer.Protocol;

/// <summary>The LSP <c>CompletionItemKind</c> values this server uses.</summary>
public static class CompletionItemKind
{
    /// <summary>A key of a mapping.</summary>
    public const int Property = 10;

    /// <summary>A size, a duration, a count.</summary>
    public const int Unit = 11;

    /// <summary>A free value in a known form: a GPU name, a port.</summary>
    public const int Value = 12;

    /// <summary><c>true</c>, <c>false</c>, <c>off</c>.</summary>
    public const int Keyword = 14;

    /// <summary>The name of something defined elsewhere: a workflow in <c>deps</c>.</summary>
    public const int Reference = 18;

    /// <summary>A form with placeholders to fill in.</summary>
    public const int Snippet = 15;

    /// <summary>One of a fixed set of names.</summary>
    public const int EnumMember = 20;
}
