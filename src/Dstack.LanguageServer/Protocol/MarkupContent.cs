namespace Dstack.LanguageServer.Protocol;

/// <summary>Text for the user to read, as LSP <c>MarkupContent</c>.</summary>
/// <param name="Kind"><c>markdown</c> or <c>plaintext</c>.</param>
/// <param name="Value">The text.</param>
public sealed record MarkupContent(string Kind, string Value)
{
    public static MarkupContent Markdown(string value) => new("markdown", value);
}
