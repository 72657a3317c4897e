namespace Dstack.LanguageServer.Protocol;

/// <summary>Formatted text for the client to render: <c>markdown</c> or <c>plaintext</c>.</summary>
public sealed record MarkupContent(string Kind, string Value)
{
    public const string Markdown = "markdown";
}
