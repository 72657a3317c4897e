using Dstack.LanguageServer.Protocol;

namespace Dstack.LanguageServer.Formatting;

/// <summary>The edits that format a document, or why it was left alone.</summary>
public sealed record FormattingResult(IReadOnlyList<TextEdit> Edits, string? Refusal)
{
    public static FormattingResult Done(IReadOnlyList<TextEdit> edits) => new(edits, null);

    public static FormattingResult Refused(string reason) => new([], reason);
}
