namespace Dstack.LanguageServer.Protocol;

/// <summary>LSP <c>InsertTextFormat</c> values.</summary>
public static class InsertTextFormat
{
    public const int PlainText = 1;

    /// <summary>A snippet: <c>$1</c>, <c>${1:default}</c> and <c>${1|a,b|}</c> are tab stops; <c>$</c>, <c>}</c> and <c>\</c> are escaped with <c>\</c>.</summary>
    public const int Snippet = 2;
}
