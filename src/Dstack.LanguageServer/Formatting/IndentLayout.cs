using Dstack.Runtime.Yaml;

namespace Dstack.LanguageServer.Formatting;

/// <summary>
/// Where each line that starts a block element (a key of a block mapping, a <c>-</c> of a block sequence) should be
/// indented, from the YAML tree: each level <c>tabSize</c> deeper than its parent; a mapping inside a list item keeps
/// the item's gap after its <c>-</c>. Also finds the lines a multi-line scalar or flow collection continues on, and the
/// block scalars (<c>|</c>, <c>&gt;</c>), whose content moves with its key. Anything it cannot lay out for sure (merge keys,
/// an explicit indentation indicator, a key not at the start of its line) makes it refuse.
/// </summary>
public sealed class IndentLayout
{
    private readonly string _text;
    private readonly LineIndex _lines;
    private readonly int _tabSize;

    private IndentLayout(string text, int tabSize)
    {
        _text = text;
        _lines = new LineIndex(text);
        _tabSize = tabSize;
    }

    /// <summary>The column each block element's line should start at, by 0-based line.</summary>
    public Dictionary<int, int> Columns { get; } = [];

    /// <summary>Lines that continue a multi-line plain or quoted scalar or a flow collection started on an earlier line.</summary>
    public HashSet<int> Continuations { get; } = [];

    /// <summary>The 0-based lines of block scalar headers (<c>key: |</c>); their content follows.</summary>
    public List<int> BlockScalarHeaders { get; } = [];

    /// <summary>Why the document cannot be laid out safely; null when it can.</summary>
    public string? Refusal { get; private set; }

    public static IndentLayout Of(string text, YamlNode root, int tabSize)
    {
        var layout = new IndentLayout(text, tabSize);
        if (root is YamlMapping or YamlSequence && IsBlock(root, text))
        {
            layout.Layout(root, 0, firstInline: false, depth: 0);
        }
        else
        {
            layout.Mark(root);
        }

        return layout;
    }

    private void Layout(YamlNode node, int column, bool firstInline, int depth)
    {
        if (Refusal is not null || depth > YamlTreeReader.MaxDepth)
        {
            Refuse("the document nests too deep");
            return;
        }

        if (node is YamlMapping mapping)
        {
            for (var i = 0; i < mapping.Entries.Count && Refusal is null; i++)
            {
                var entry = mapping.Entries[i];
                var key = entry.Key;
                if (key.Span.Start < mapping.Span.Start || key.Span.End > mapping.Span.End || key.Span.StartLine != key.Span.EndLine)
                {
                    Refuse("it uses merge keys (<<) or multi-line keys");
                    return;
                }

                Place(key.Span.Start, column, inlineAllowed: i == 0 && firstInline);
                Value(entry.Value, key.Span.StartLine - 1, column, depth);
            }
        }
        else if (node is YamlSequence sequence)
        {
            for (var i = 0; i < sequence.Items.Count && Refusal is null; i++)
            {
                var item = sequence.Items[i];
                var dash = PreviousContent(item.Span.Start);
                if (dash < 0 || _text[dash] != '-')
                {
                    Refuse("a list item does not follow its '-' (an anchor, a tag or a comment between them)");
                    return;
                }

                Place(dash, column, inlineAllowed: i == 0 && firstInline);
                var dashLine = LineOf(dash);
                if (item is YamlMapping or YamlSequence && IsBlock(item, _text))
                {
                    var first = FirstElement(item);
                    if (LineOf(first) == dashLine)
                    {
                        Layout(item, column + (first - dash), firstInline: true, depth + 1);
                    }
                    else
                    {
                        Layout(item, column + _tabSize, firstInline: false, depth + 1);
                    }
                }
                else
                {
                    Mark(item);
                }
            }
        }
    }

    private void Value(YamlNode value, int keyLine, int column, int depth)
    {
        if (value is YamlMapping or YamlSequence && IsBlock(value, _text))
        {
            if (LineOf(FirstElement(value)) == keyLine)
            {
                Refuse("a block collection starts on its key's line");
                return;
            }

            Layout(value, column + _tabSize, firstInline: false, depth + 1);
        }
        else
        {
            Mark(value);
        }
    }

    /// <summary>Notes the lines a scalar or flow collection written across lines continues on, and block scalar headers.</summary>
    private void Mark(YamlNode node)
    {
        if (node is YamlScalar { Quote: '|' or '>' } block)
        {
            var header = block.Span.Start;
            var end = _lines.ContentEnd(block.Span.StartLine);
            var indicator = _text[header..end];
            if (indicator.TakeWhile(c => c != '#').Any(char.IsAsciiDigit))
            {
                Refuse("a block scalar has an explicit indentation indicator");
                return;
            }

            BlockScalarHeaders.Add(block.Span.StartLine - 1);
            return;
        }

        for (var line = node.Span.StartLine; line < node.Span.EndLine; line++)
        {
            Continuations.Add(line);
        }
    }

    private void Place(int offset, int column, bool inlineAllowed)
    {
        if (!IsFirstOnLine(offset))
        {
            if (!inlineAllowed)
            {
                Refuse("an element does not start its line");
            }

            return;
        }

        var line = LineOf(offset);
        if (Columns.TryGetValue(line, out var placed) && placed != column)
        {
            Refuse("an alias repeats a block collection");
            return;
        }

        Columns[line] = column;
    }

    /// <summary>Where the first key or first item's <c>-</c> of a block collection is.</summary>
    private int FirstElement(YamlNode node) => node switch
    {
        YamlMapping { Entries: [var first, ..] } => first.Key.Span.Start,
        YamlSequence { Items: [var first, ..] } => Math.Max(0, PreviousContent(first.Span.Start)),
        _ => node.Span.Start,
    };

    /// <summary>A collection in block style: its first key or item opens a line or follows a <c>-</c>; a flow one follows <c>{</c>, <c>[</c> or <c>,</c>.</summary>
    private static bool IsBlock(YamlNode node, string text)
    {
        var first = node switch
        {
            YamlMapping { Entries: [var entry, ..] } => entry.Key.Span.Start,
            YamlSequence { Items: [var item, ..] } => item.Span.Start,
            _ => -1,
        };
        if (first < 0)
        {
            return false;
        }

        var before = first - 1;
        while (before >= 0 && text[before] is ' ' or '\n' or '\r')
        {
            before--;
        }

        return node is YamlMapping ? before < 0 || text[before] is not ('{' or ',' or '[') : before >= 0 && text[before] == '-';
    }

    private int PreviousContent(int offset)
    {
        var at = offset - 1;
        while (at >= 0 && _text[at] is ' ' or '\n' or '\r')
        {
            at--;
        }

        return at;
    }

    private bool IsFirstOnLine(int offset)
    {
        var at = offset - 1;
        while (at >= 0 && _text[at] == ' ')
        {
            at--;
        }

        return at < 0 || _text[at] is '\n' or '\r';
    }

    private int LineOf(int offset) => _lines.Position(offset).Line - 1;

    private void Refuse(string reason) => Refusal ??= reason;
}
