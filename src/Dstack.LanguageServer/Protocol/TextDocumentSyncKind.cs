namespace Dstack.LanguageServer.Protocol;

/// <summary>LSP <c>TextDocumentSyncKind</c> values.</summary>
public static class TextDocumentSyncKind
{
    public const int None = 0;
    public const int Full = 1;
    public const int Incremental = 2;
}
