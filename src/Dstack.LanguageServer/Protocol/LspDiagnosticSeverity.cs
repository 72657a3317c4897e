namespace Dstack.LanguageServer.Protocol;

/// <summary>LSP <c>DiagnosticSeverity</c> values.</summary>
public static class LspDiagnosticSeverity
{
    public const int Error = 1;
    public const int Warning = 2;
    public const int Information = 3;
    public const int Hint = 4;
}
