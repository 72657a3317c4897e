using Dstack.Runtime.Configuration;
using Dstack.Runtime.Diagnostics;

namespace Dstack.LanguageServer.QuickFixes;

/// <summary>
/// The quick fixes for the diagnostics of a checked document that touch a range. A diagnostic with a runtime
/// <see cref="Suggestion"/> gets that one replacement (a did-you-mean key, type, value or GPU name, a size's unit, a
/// quoted port); <c>image</c> with <c>python</c> gets two choices: remove one or the other.
/// </summary>
public static class DiagnosticFixes
{
    /// <param name="document">The document, checked from the current text.</param>
    /// <param name="start">The range's start offset.</param>
    /// <param name="end">The range's end offset; a cursor is an empty range, which touches a diagnostic it stands in or at an edge of.</param>
    public static IReadOnlyList<QuickFix> For(ConfigurationDocument document, int start, int end)
    {
        var text = document.Text ?? string.Empty;
        var fixes = new List<QuickFix>();
        foreach (var diagnostic in document.Diagnostics.Where(d => d.Span.Start <= end && d.Span.End >= start))
        {
            if (diagnostic.Suggestion is { } suggestion && suggestion.Span.End <= text.Length)
            {
                fixes.Add(new QuickFix(Title(diagnostic, suggestion, text), diagnostic, new TextReplacement(suggestion.Span.Start, suggestion.Span.End, suggestion.Text), IsPreferred: true));
            }

            if (diagnostic.Code == DiagnosticCodes.ImageAndPython)
            {
                fixes.AddRange(Removal(document, text, diagnostic, "image", "Remove `image` (use dstack's base image with `python`)"));
                fixes.AddRange(Removal(document, text, diagnostic, "python", "Remove `python` (the image brings its own Python)"));
            }
        }

        return fixes;
    }

    private static IEnumerable<QuickFix> Removal(ConfigurationDocument document, string text, Diagnostic diagnostic, string key, string title) =>
        EntryLines.Removal(text, document.Root, key) is { } edit ? [new QuickFix(title, diagnostic, edit, IsPreferred: false)] : [];

    private static string Title(Diagnostic diagnostic, Suggestion suggestion, string text)
    {
        var old = text[suggestion.Span.Start..suggestion.Span.End];
        if (suggestion.Text == $"\"{old}\"")
        {
            return $"Quote `{old}`";
        }

        return diagnostic.Code == DiagnosticCodes.UnknownProperty ? $"Rename `{old}` to `{suggestion.Text}`" : $"Change `{old}` to `{suggestion.Text}`";
    }
}
