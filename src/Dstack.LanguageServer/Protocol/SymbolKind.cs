namespace Dstack.LanguageServer.Protocol;

/// <summary>The LSP symbol kinds this server uses (numbered as the specification numbers them).</summary>
public static class SymbolKind
{
    public const int Module = 2;
    public const int EnumMember = 22;
    public const int String = 15;
    public const int Number = 16;
    public const int Boolean = 17;
    public const int Array = 18;
    public const int Object = 19;
    public const int Null = 21;
}
