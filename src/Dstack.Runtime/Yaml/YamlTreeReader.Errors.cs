using Dstack.Runtime.Diagnostics;
using YamlDotNet.Core;

namespace Dstack.Runtime.Yaml;

/// <summary>Syntax errors in the words of the file (a hint for each kind), and tabs used for indentation.</summary>
public sealed partial class YamlTreeReader
{
    private void ReportSyntaxError(YamlException e)
    {
        var span = ToSpan(e.Start, e.End);
        var line = LineText(span.StartLine);
        var indent = line[..(line.Length - line.TrimStart(' ', '\t').Length)];
        var reason = Clean(e.Message);

        // YamlDotNet reports a tab where the enclosing mapping starts, which may be far above the tab.
        var aboutTabs = reason.Contains("tab", StringComparison.OrdinalIgnoreCase);
        var tabLine = FindTabIndentedLine(aboutTabs ? int.MaxValue - 1 : span.StartLine, []);
        if (tabLine > 0)
        {
            ReportTab(tabLine);
            return;
        }

        var hint = reason switch
        {
            _ when reason.Contains("mapping values are not allowed", StringComparison.OrdinalIgnoreCase) =>
                "a value contains `: `; quote the value (for example \"a: b\") or fix the indentation",
            _ when reason.Contains("did not find expected key", StringComparison.OrdinalIgnoreCase) =>
                "check the indentation of this line: keys of one mapping must start in the same column",
            _ when reason.Contains("did not find expected '-' indicator", StringComparison.OrdinalIgnoreCase) =>
                "list items of one list must start in the same column with `- `",
            _ when reason.Contains("inside a flow collection", StringComparison.Ordinal) =>
                "quote the value (for example \"a[b\") and check that every [ and { is closed",
            _ when reason.Contains("found unexpected end of stream", StringComparison.OrdinalIgnoreCase) =>
                "a quote or bracket is not closed",
            _ when indent.Length > 0 && reason.Contains("cannot start any token", StringComparison.OrdinalIgnoreCase) =>
                "a character such as ` or @ cannot start a plain value; quote the value",
            _ => "fix the YAML syntax here",
        };
        _diagnostics.Error(DiagnosticCodes.YamlSyntax, span.Length == 0 ? WidenToToken(span) : span, $"invalid YAML: {reason}; {hint}");
    }

    private static string Clean(string message)
    {
        var text = message;
        var close = text.IndexOf("): ", StringComparison.Ordinal);
        if (text.StartsWith("(Line", StringComparison.Ordinal) && close > 0)
        {
            text = text[(close + 3)..];
        }

        return text.Trim().TrimEnd('.').Replace("While", "while", StringComparison.Ordinal);
    }

    private int FindTabIndentedLine(int upToLine, HashSet<int> skip)
    {
        for (var lineNo = 1; lineNo <= Math.Min(upToLine + 1, _lines.LineCount); lineNo++)
        {
            var line = LineText(lineNo);
            var content = line.TrimStart(' ', '\t');
            var indent = line[..(line.Length - content.Length)];
            if (indent.Contains('\t', StringComparison.Ordinal) && content.Trim().Length > 0 && !content.StartsWith('#') && !skip.Contains(lineNo))
            {
                return lineNo;
            }
        }

        return 0;
    }

    /// <summary>
    /// YamlDotNet accepts a tab after indenting spaces (<c>"  \tcpu: 4"</c>); PyYAML, and so dstack, rejects it.
    /// Lines inside a multi-line scalar are content, where a leading tab is allowed.
    /// </summary>
    private void ReportTabIndentation(YamlNode root)
    {
        // Most files hold no tab at all: then there is nothing to find and no reason to walk the tree.
        if (!_text.Contains('\t', StringComparison.Ordinal))
        {
            return;
        }

        var contentLines = new HashSet<int>();
        var seen = new HashSet<YamlNode>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<YamlNode>([root]);
        while (pending.TryPop(out var node))
        {
            if (!seen.Add(node))
            {
                continue;
            }

            switch (node)
            {
                case YamlScalar scalar:
                    for (var line = scalar.Span.StartLine + 1; line <= scalar.Span.EndLine; line++)
                    {
                        contentLines.Add(line);
                    }

                    break;
                case YamlSequence sequence:
                    foreach (var item in sequence.Items)
                    {
                        pending.Push(item);
                    }

                    break;
                case YamlMapping mapping:
                    foreach (var entry in mapping.Entries)
                    {
                        pending.Push(entry.Value);
                    }

                    break;
            }
        }

        var tabLine = FindTabIndentedLine(int.MaxValue - 1, contentLines);
        if (tabLine > 0)
        {
            ReportTab(tabLine);
        }
    }

    private void ReportTab(int line)
    {
        var text = LineText(line);
        var column = text.IndexOf('\t', StringComparison.Ordinal) + 1;
        var offset = OffsetOf(line, column);
        _diagnostics.Error(
            DiagnosticCodes.TabIndentation,
            new SourceSpan(line, column, line, column + 1, offset, offset + 1),
            "a tab is used for indentation; YAML allows only spaces there: replace the tab with spaces");
    }

    private SourceSpan WidenToToken(SourceSpan span)
    {
        var end = span.Start;
        while (end < _text.Length && !char.IsWhiteSpace(_text[end]))
        {
            end++;
        }

        return end == span.Start ? span : new SourceSpan(span.StartLine, span.StartColumn, span.StartLine, span.StartColumn + (end - span.Start), span.Start, end);
    }

    private string LineText(int line)
    {
        var start = OffsetOf(line, 1);
        var end = _lines.NextLineStart(line);
        return start >= end ? string.Empty : _text[start..end].TrimEnd('\n').TrimEnd('\r');
    }

    private int OffsetOf(int line, int column) => _lines.Offset(line, column);
}
