using Dstack.Runtime.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Dstack.Runtime.Yaml;

/// <summary>
/// Reads YAML text into a <see cref="YamlNode"/> tree with positions, from YamlDotNet's parser events.
/// Building the tree ourselves lets us report duplicate keys, resolve aliases and merge keys (<c>&lt;&lt;</c>)
/// as PyYAML does, and keep scalar text untouched. Problems go to the <see cref="DiagnosticBag"/>; it never throws.
/// </summary>
public sealed partial class YamlTreeReader
{
    private readonly string _text;
    private readonly LineIndex _lines;
    private readonly DiagnosticBag _diagnostics;
    /// <summary>
    /// How deep collections may nest. Real files need a handful of levels; the limit keeps a pathological file
    /// (<c>[[[[...]]]]</c> ten thousand deep) from overflowing the stack, which would kill the process.
    /// </summary>
    public const int MaxDepth = 100;

    private readonly Dictionary<string, YamlNode> _anchors = new(StringComparer.Ordinal);
    private int _depth;

    private YamlTreeReader(string text, DiagnosticBag diagnostics, List<(int Open, int Close)> deepFlowCollections)
    {
        _text = text;
        _lines = new LineIndex(text);
        _diagnostics = diagnostics;
        _deepFlowCollections = deepFlowCollections;
        _deepFlowOpens = [.. deepFlowCollections.Select(c => c.Open)];
    }

    /// <summary>The root node of the single document in <paramref name="text"/>, or null (empty or broken file).</summary>
    public static YamlNode? Read(string text, DiagnosticBag diagnostics)
    {
        // Flow collections past the limit are skipped, so YamlDotNet reads them blanked (its scanner is quadratic in
        // their depth); should the parser disagree about where one is, the original text is read instead.
        var deep = DeepFlowCollections.Find(text, MaxDepth);
        if (deep.Count > 0)
        {
            var trial = new DiagnosticBag(diagnostics.Path);
            var reader = new YamlTreeReader(text, trial, deep);
            var root = reader.Parse(DeepFlowCollections.Blank(text, deep));
            if (reader.FoundEveryDeepFlowCollection)
            {
                foreach (var diagnostic in trial.Items)
                {
                    diagnostics.Add(diagnostic.Code, diagnostic.Severity, diagnostic.Span, diagnostic.Message, diagnostic.Suggestion);
                }

                return root;
            }
        }

        return new YamlTreeReader(text, diagnostics, []).Parse(text);
    }

    private YamlNode? Parse(string parsedText)
    {
        var parser = new ScannerGuard(new Parser(new StringReader(parsedText)));
        try
        {
            return ReadStream(parser);
        }
        catch (YamlException e)
        {
            _stoppedAt = (int)Math.Min(e.Start.Index, int.MaxValue);
            ReportSyntaxError(e);
            return null;
        }
        catch (ScannerGuard.ScannerFailure)
        {
            // YamlDotNet's scanner throws this instead of a YamlException for some broken plain values inside
            // [...] or {...} (such as `[a[b]` or a NEL character); it carries no position, so point after the last
            // part that was read.
            var end = parser.Current?.End ?? Mark.Empty;
            _stoppedAt = (int)Math.Min(end.Index, int.MaxValue);
            ReportSyntaxError(new SyntaxErrorException(end, end, "while scanning a plain value inside a flow collection ([...] or {...}), found a character that cannot be read there"));
            return null;
        }
    }

    private YamlNode? ReadStream(IParser parser)
    {
        parser.Consume<StreamStart>();
        if (parser.TryConsume<StreamEnd>(out _))
        {
            return null;
        }

        parser.Consume<DocumentStart>();
        var root = ReadNode(parser);
        parser.Consume<DocumentEnd>();
        ReportTabIndentation(root);
        if (parser.Accept<DocumentStart>(out var second))
        {
            _diagnostics.Error(
                DiagnosticCodes.MultipleDocuments,
                ToSpan(second.Start, second.End),
                "the file holds more than one YAML document (a second `---`); a dstack configuration is one document: split it into separate files");
        }

        return root;
    }

    private YamlNode ReadNode(IParser parser)
    {
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            if (_anchors.TryGetValue(alias.Value.Value, out var target))
            {
                return target;
            }

            var span = ToSpan(alias.Start, alias.End);
            _diagnostics.Error(DiagnosticCodes.UnknownAlias, span, $"the alias *{alias.Value.Value} refers to no anchor; define `&{alias.Value.Value}` on an earlier value");
            return new YamlScalar(span, null, string.Empty, isPlain: true, '\0', _text);
        }

        if (_depth >= MaxDepth && parser.Current is { NestingIncrease: > 0 } deep)
        {
            var span = ToSpan(deep.Start, deep.End);
            _diagnostics.Error(DiagnosticCodes.NestingTooDeep, span, $"values are nested more than {MaxDepth} levels deep here; a dstack configuration needs only a few levels: flatten this value");
            SkipNested(parser);
            return new YamlScalar(span, null, string.Empty, isPlain: true, '\0', _text);
        }

        if (parser.TryConsume<Scalar>(out var scalar))
        {
            var quote = scalar.Style switch
            {
                ScalarStyle.SingleQuoted => '\'',
                ScalarStyle.DoubleQuoted => '"',
                ScalarStyle.Literal => '|',
                ScalarStyle.Folded => '>',
                _ => '\0',
            };
            var node = new YamlScalar(ToSpan(scalar.Start, scalar.End), TagOf(scalar.Tag), scalar.Value, scalar.IsPlainImplicit && quote == '\0', quote, _text);
            return Remember(scalar.Anchor, node);
        }

        var flow = IsFlowStart(parser.Current);
        _depth++;
        _flowDepth += flow ? 1 : 0;
        try
        {
            Notice(parser.Current);
            return ReadCollection(parser);
        }
        finally
        {
            _depth--;
            _flowDepth -= flow ? 1 : 0;
        }
    }

    private YamlNode ReadCollection(IParser parser)
    {
        if (parser.TryConsume<SequenceStart>(out var sequenceStart))
        {
            var items = new List<YamlNode>();
            SequenceEnd end;
            while (!parser.TryConsume<SequenceEnd>(out end!))
            {
                items.Add(ReadNode(parser));
            }

            // A flow list ends after its `]`; a block list ends with its last item, not where the next line starts.
            var endMark = sequenceStart.Style == SequenceStyle.Flow ? AfterBracket(end) : items.Count > 0 ? EndOf(items[^1], end) : end.End;
            var sequence = new YamlSequence(ToSpan(sequenceStart.Start, endMark), TagOf(sequenceStart.Tag), items);
            return Remember(sequenceStart.Anchor, sequence);
        }

        var mappingStart = parser.Consume<MappingStart>();
        var entries = new List<YamlEntry>();
        var merged = new List<YamlEntry>();
        var firstSeen = new Dictionary<string, YamlScalar>(StringComparer.Ordinal);
        MappingEnd mappingEnd;
        while (!parser.TryConsume<MappingEnd>(out mappingEnd!))
        {
            var keyNode = ReadNode(parser);
            var value = ReadNode(parser);
            if (keyNode is not YamlScalar key)
            {
                _diagnostics.Error(DiagnosticCodes.WrongType, keyNode.Span, $"a key must be a plain name, not {keyNode.Describe()}");
                continue;
            }

            if (key.IsPlain && key.Value == "<<")
            {
                CollectMerge(value, merged);
                continue;
            }

            if (firstSeen.TryGetValue(key.Value, out var first))
            {
                _diagnostics.Error(
                    DiagnosticCodes.DuplicateKey,
                    key.Span,
                    $"duplicate key `{key.Value}`: it is already set on line {first.Span.StartLine}; YAML would keep only the last value: remove one of them");
                continue;
            }

            firstSeen[key.Value] = key;
            entries.Add(new YamlEntry(key, value));
        }

        foreach (var entry in merged)
        {
            if (firstSeen.TryAdd(entry.Key.Value, entry.Key))
            {
                entries.Add(entry);
            }
        }

        var mappingEndMark = mappingStart.Style == MappingStyle.Flow ? AfterBracket(mappingEnd)
            : entries.Count > 0 ? entries.Max(e => EndOf(e.Value, mappingStart)) : mappingStart.End;
        var mapping = new YamlMapping(ToSpan(mappingStart.Start, mappingEndMark), TagOf(mappingStart.Tag), entries);
        return Remember(mappingStart.Anchor, mapping);
    }

    private void CollectMerge(YamlNode value, List<YamlEntry> merged)
    {
        switch (value)
        {
            case YamlMapping mapping:
                merged.AddRange(mapping.Entries);
                break;
            case YamlSequence sequence:
                foreach (var item in sequence.Items)
                {
                    if (item is YamlMapping m)
                    {
                        merged.AddRange(m.Entries);
                    }
                    else
                    {
                        _diagnostics.Error(DiagnosticCodes.WrongType, item.Span, $"a merge key `<<` takes mappings, not {item.Describe()}");
                    }
                }

                break;
            default:
                _diagnostics.Error(DiagnosticCodes.WrongType, value.Span, $"a merge key `<<` takes a mapping or a list of mappings, not {value.Describe()}");
                break;
        }
    }

    // YamlDotNet places the end event of a flow collection on its closing bracket, not after it.
    private static Mark AfterBracket(ParsingEvent end) => new(end.Start.Index + 1, end.Start.Line, end.Start.Column + 1);

    private static Mark EndOf(YamlNode node, ParsingEvent fallback) =>
        node.Span.End > 0 ? new Mark(node.Span.End, node.Span.EndLine, node.Span.EndColumn) : fallback.End;

    private YamlNode Remember(AnchorName anchor, YamlNode node)
    {
        if (!anchor.IsEmpty)
        {
            _anchors[anchor.Value] = node;
        }

        return node;
    }

    private static string? TagOf(TagName tag) => tag.IsEmpty ? null : tag.Value;

    private SourceSpan ToSpan(Mark start, Mark end)
    {
        var from = (int)Math.Min(start.Index, _text.Length);
        var to = (int)Math.Clamp(end.Index, from, _text.Length);
        var (startLine, startColumn) = _lines.Position(from);
        var (endLine, endColumn) = _lines.Position(to);
        return new SourceSpan(startLine, startColumn, endLine, endColumn, from, to);
    }
}
