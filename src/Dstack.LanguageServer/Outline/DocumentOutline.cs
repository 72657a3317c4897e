using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Editing;
using Dstack.LanguageServer.Protocol;
using Dstack.Runtime.Configuration;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Yaml;

namespace Dstack.LanguageServer.Outline;

/// <summary>
/// The outline of a document (<c>textDocument/documentSymbol</c>), from its YAML tree: each key is a symbol whose
/// kind follows its value, each list item is named by what identifies it (a profile by its name, a command by its
/// text, a port by its mapping). A file that does not parse has no outline.
/// </summary>
public static class DocumentOutline
{
    /// <summary>
    /// How many levels of symbols the outline shows. Each level is two levels of JSON (the symbol and its children),
    /// and the response may not pass JSON's 64 levels; a dstack file needs a handful.
    /// </summary>
    public const int MaxDepth = 20;

    public static IReadOnlyList<DocumentSymbol> Of(DocumentSnapshot document)
    {
        var checkedDocument = CheckedDocuments.Of(document);
        if (checkedDocument.Root is not YamlMapping root)
        {
            return [];
        }

        var runType = root["type"] is YamlScalar { Kind: ScalarKind.String } type ? type.Value : null;
        var outline = new OutlineBuilder(checkedDocument.Kind, runType);
        return outline.Entries(root, [], depth: 0);
    }

    private sealed class OutlineBuilder(ConfigurationKind kind, string? runType)
    {
        public List<DocumentSymbol> Entries(YamlMapping mapping, List<PathSegment> path, int depth)
        {
            var symbols = new List<DocumentSymbol>();
            foreach (var entry in mapping.Entries)
            {
                // Merged keys (`<<: *base`) live where their anchor is: they are listed there, not here.
                if (entry.Key.Span.Start < mapping.Span.Start || entry.Key.Span.End > mapping.Span.End)
                {
                    continue;
                }

                path.Add(PathSegment.Of(entry.Key.Value));
                var value = entry.Value;
                var owned = value.Span.Start >= entry.Key.Span.End;
                var end = owned && value.Span.End > entry.Key.Span.End ? value.Span : entry.Key.Span;
                var range = new SourceSpan(entry.Key.Span.StartLine, entry.Key.Span.StartColumn, end.EndLine, end.EndColumn, entry.Key.Span.Start, end.End);
                symbols.Add(new DocumentSymbol(
                    Name(entry.Key.Value),
                    Detail(value),
                    KindOf(value, path),
                    SpanRange.Of(range),
                    SpanRange.Of(entry.Key.Span),
                    owned ? Children(value, path, depth + 1) : null));
                path.RemoveAt(path.Count - 1);
            }

            return symbols;
        }

        private List<DocumentSymbol>? Children(YamlNode value, List<PathSegment> path, int depth)
        {
            if (depth > MaxDepth)
            {
                return null;
            }

            return value switch
            {
                YamlMapping { Entries.Count: > 0 } mapping => Entries(mapping, path, depth),
                YamlSequence { Items.Count: > 0 } sequence => Items(sequence, path, depth),
                _ => null,
            };
        }

        private List<DocumentSymbol> Items(YamlSequence sequence, List<PathSegment> path, int depth)
        {
            var symbols = new List<DocumentSymbol>();
            path.Add(PathSegment.Item);
            for (var i = 0; i < sequence.Items.Count; i++)
            {
                var item = sequence.Items[i];
                if (item.Span.Start < sequence.Span.Start || item.Span.End > sequence.Span.End)
                {
                    continue;
                }

                var (name, detail) = ItemLabel(item, i);
                var kind = item is YamlMapping && name != $"[{i}]" ? SymbolKind.Module : KindOf(item, path);
                var range = SpanRange.Of(item.Span);
                symbols.Add(new DocumentSymbol(name, detail, kind, range, range, Children(item, path, depth + 1)));
            }

            path.RemoveAt(path.Count - 1);
            return symbols;
        }

        private int KindOf(YamlNode value, List<PathSegment> path) => value switch
        {
            YamlMapping => SymbolKind.Object,
            YamlSequence => SymbolKind.Array,
            YamlScalar scalar when IsEnum(path) && !scalar.IsNull => SymbolKind.EnumMember,
            YamlScalar scalar => scalar.Kind switch
            {
                ScalarKind.Null => SymbolKind.Null,
                ScalarKind.Bool => SymbolKind.Boolean,
                ScalarKind.Int or ScalarKind.Float => SymbolKind.Number,
                _ => SymbolKind.String,
            },
            _ => SymbolKind.String,
        };

        /// <summary>A value the model reads as one of a fixed set of words: <c>type</c>, <c>spot_policy</c>, ...</summary>
        private bool IsEnum(List<PathSegment> path) =>
            path is [{ Key: "type" }] ||
            ModelPath.Resolve(kind, runType, path)?.ValueType is { IsEnum: true };
    }

    /// <summary>A list item's name: a mapping's <c>name</c> (else its first <c>key: value</c>), a scalar's text; its detail is the rest.</summary>
    private static (string Name, string? Detail) ItemLabel(YamlNode item, int index) => item switch
    {
        YamlScalar scalar => (Short(scalar.IsNull ? "(empty)" : scalar.Value), null),
        YamlMapping mapping when mapping["name"] is YamlScalar { IsNull: false } name => (Short(name.Value), Summary(mapping, skip: "name")),
        YamlMapping mapping when mapping["name"] is YamlSequence { Items.Count: > 0 } names && names.Items.All(n => n is YamlScalar) =>
            (Short(string.Join(", ", names.Items.Select(n => ((YamlScalar)n).Value))), Summary(mapping, skip: "name")),
        YamlMapping { Entries: [var first, ..] } mapping when first.Value is YamlScalar { IsNull: false } scalar =>
            (Short($"{first.Key.Value}: {scalar.Value}"), Summary(mapping, skip: first.Key.Value)),
        _ => ($"[{index}]", Detail(item)),
    };

    private static string? Detail(YamlNode value) => value switch
    {
        YamlScalar { IsNull: true } => null,
        YamlScalar scalar => Short(scalar.Value),
        YamlSequence sequence => sequence.Items.Count == 1 ? "1 item" : $"{sequence.Items.Count} items",
        YamlMapping mapping => Summary(mapping, skip: null),
        _ => null,
    };

    /// <summary>The scalar entries of a mapping, <c>type: task, name: train</c>, cut short.</summary>
    private static string? Summary(YamlMapping mapping, string? skip)
    {
        var parts = mapping.Entries
            .Where(e => e.Key.Value != skip && e.Value is YamlScalar { IsNull: false })
            .Select(e => $"{e.Key.Value}: {((YamlScalar)e.Value).Value}")
            .ToList();
        return parts.Count == 0 ? null : Short(string.Join(", ", parts));
    }

    private const int MaxLength = 60;

    /// <summary>One line, at most <see cref="MaxLength"/> characters, ending in … when cut.</summary>
    private static string Short(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        if (line.Length <= MaxLength)
        {
            return line;
        }

        // Never cut between the two halves of a surrogate pair (an emoji), which would leave half a character.
        var cut = char.IsHighSurrogate(line[MaxLength - 2]) ? MaxLength - 2 : MaxLength - 1;
        return string.Concat(line.AsSpan(0, cut).TrimEnd(), "…");
    }

    /// <summary>A symbol name may not be empty.</summary>
    private static string Name(string key) => key.Length == 0 ? "\"\"" : key;
}
