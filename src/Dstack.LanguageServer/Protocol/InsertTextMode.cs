namespace Dstack.LanguageServer.Protocol;

/// <summary>LSP <c>InsertTextMode</c> values: how the client indents the lines of a multi-line insertion.</summary>
public static class InsertTextMode
{
    /// <summary>Inserted exactly as written.</summary>
    public const int AsIs = 1;

    /// <summary>Each new line gets the leading whitespace of the line the insertion starts on, before its own.</summary>
    public const int AdjustIndentation = 2;
}
