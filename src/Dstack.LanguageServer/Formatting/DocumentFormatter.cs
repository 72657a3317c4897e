using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Protocol;
using Dstack.Runtime.Configuration;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Yaml;

namespace Dstack.LanguageServer.Formatting;

/// <summary>
/// A conservative formatter (<c>textDocument/formatting</c>): re-indents block mappings and lists to the tab size,
/// trims trailing whitespace and ends the file with a line break; quoting, flow collections, block scalar content and
/// comments stay as written. It refuses a file with YAML errors, and any result that would not read back as the same
/// YAML with the same diagnostics. Edits are per line, only where a line changes.
/// </summary>
public static class DocumentFormatter
{
    /// <summary>Problems that leave the tree unreliable for layout.</summary>
    private static readonly HashSet<string> SyntaxCodes =
    [
        DiagnosticCodes.YamlSyntax, DiagnosticCodes.TabIndentation, DiagnosticCodes.MultipleDocuments,
        DiagnosticCodes.NestingTooDeep, DiagnosticCodes.InvalidEncoding, DiagnosticCodes.UnknownAlias, DiagnosticCodes.InternalError,
    ];

    public static FormattingResult Format(DocumentSnapshot document, FormattingOptions options)
    {
        var checkedDocument = CheckedDocuments.Of(document);
        if (checkedDocument.Diagnostics.FirstOrDefault(d => SyntaxCodes.Contains(d.Code)) is { } syntax)
        {
            return FormattingResult.Refused($"the file has a YAML error ({syntax.Code}: {syntax.Message})");
        }

        var text = document.Text;
        var split = TextLines.Of(text);
        var lines = split.Lines;
        var tabSize = options.TabSize is >= 1 and <= 8 ? options.TabSize : 2;
        string[] formatted;
        if (checkedDocument.Root is { } root)
        {
            var layout = IndentLayout.Of(text, root, tabSize);
            if (layout.Refusal is { } reason)
            {
                return FormattingResult.Refused(reason);
            }

            formatted = FormattedLines.Of(lines, layout, options.TrimTrailingWhitespace ?? true);
        }
        else
        {
            formatted = [.. lines.Select(l => options.TrimTrailingWhitespace ?? true ? l.TrimEnd(' ', '\t') : l)];
        }

        var edits = Edits(text, lines, formatted, options);
        var result = Apply(text, split, formatted, options);
        if (!SameMeaning(checkedDocument, document.Path, result))
        {
            return FormattingResult.Refused("the formatted text would not read back as the same YAML with the same diagnostics");
        }

        return FormattingResult.Done(edits);
    }

    private static List<TextEdit> Edits(string text, IReadOnlyList<string> lines, string[] formatted, FormattingOptions options)
    {
        var keep = Tail(lines, formatted, options, out var tailFrom);
        var edits = new List<TextEdit>();
        for (var i = 0; i < keep; i++)
        {
            var replacement = i == keep - 1 && tailFrom is null && NeedsFinalBreak(text, options) ? formatted[i] + LineBreakOf(text) : formatted[i];
            if (replacement != lines[i])
            {
                edits.Add(new TextEdit(new TextRange(new Position(i, 0), new Position(i, lines[i].Length)), replacement));
            }
        }

        if (tailFrom is { } from)
        {
            var lastLine = lines.Count - 1;
            var last = formatted[from];
            var end = new Position(lastLine, lines[lastLine].Length);
            // Trailing blank lines mean the text ended with a break: one is kept.
            edits.Add(new TextEdit(new TextRange(new Position(from, 0), end), last + LineBreakOf(text)));
        }

        return edits;
    }

    /// <summary>The text the edits make, built the same way, to check before answering.</summary>
    private static string Apply(string text, TextLines split, string[] formatted, FormattingOptions options)
    {
        var keep = Tail(split.Lines, formatted, options, out var tailFrom);
        var breaks = split.Breaks;
        var result = new System.Text.StringBuilder(text.Length + 16);
        for (var i = 0; i < keep; i++)
        {
            result.Append(formatted[i]);
            if (i < keep - 1 || tailFrom is not null)
            {
                result.Append(breaks[i]);
            }
        }

        if (tailFrom is { } from)
        {
            result.Append(formatted[from]).Append(LineBreakOf(text));
        }
        else if (NeedsFinalBreak(text, options))
        {
            result.Append(LineBreakOf(text));
        }

        return result.ToString();
    }

    /// <summary>
    /// How many lines get their own edit. With <c>trimFinalNewlines</c>, the blank lines at the end and the last line with
    /// content are replaced by one edit from that line (<paramref name="tailFrom"/>) to the end.
    /// </summary>
    private static int Tail(IReadOnlyList<string> lines, string[] formatted, FormattingOptions options, out int? tailFrom)
    {
        tailFrom = null;
        if (options.TrimFinalNewlines != true)
        {
            return lines.Count;
        }

        var last = lines.Count - 1;
        while (last > 0 && formatted[last].Trim().Length == 0)
        {
            last--;
        }

        if (last >= lines.Count - 2)
        {
            return lines.Count;
        }

        tailFrom = last;
        return last;
    }

    private static bool NeedsFinalBreak(string text, FormattingOptions options) =>
        (options.InsertFinalNewline ?? true) && text.Length > 0 && text[^1] is not ('\n' or '\r');

    private static string LineBreakOf(string text) => text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";

    private static bool SameMeaning(ConfigurationDocument before, string path, string formatted)
    {
        var after = ConfigurationLoader.LoadText(path, formatted);
        return YamlTreeComparer.Same(before.Root, after.Root) &&
            before.Diagnostics.Select(d => d.Code).Order(StringComparer.Ordinal).SequenceEqual(after.Diagnostics.Select(d => d.Code).Order(StringComparer.Ordinal));
    }
}
