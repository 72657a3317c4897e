namespace Dstack.LanguageServer.Protocol;

/// <summary>LSP <c>MessageType</c> values for <see cref="LogMessageParams"/>.</summary>
public static class MessageType
{
    public const int Error = 1;
    public const int Warning = 2;
    public const int Info = 3;
    public const int Log = 4;
}
