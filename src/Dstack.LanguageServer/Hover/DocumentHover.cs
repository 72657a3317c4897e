using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Editing;
using Dstack.LanguageServer.Protocol;
using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Binding;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Yaml;

namespace Dstack.LanguageServer.Hover;

/// <summary>
/// Hover for a dstack document: the property under the cursor, found in the checked YAML tree (parsed once per
/// version), or, when the file does not parse, read from the text around the cursor.
/// </summary>
public static class DocumentHover
{
    public static LspHover? At(DocumentSnapshot document, Position position)
    {
        var checkedDocument = CheckedDocuments.Of(document);
        var subject = checkedDocument.Root is { } root
            ? FromTree(checkedDocument, root, new LineMap(document.Text).OffsetOf(position))
            : HoverFallback.FromText(document, position);
        if (subject is null)
        {
            return null;
        }

        return new LspHover(MarkupContent.Markdown(HoverMarkdown.Of(subject)), SpanRange.Of(subject.Range));
    }

    private static HoverSubject? FromTree(ConfigurationDocument document, YamlNode root, int offset)
    {
        if (YamlTreeLocator.At(root, offset) is not { } hit || hit.Entry is not { } entry)
        {
            return null;
        }

        var keyIndex = hit.EntryKeyIndex;
        var runType = (root as YamlMapping)?["type"] is YamlScalar { Kind: ScalarKind.String } type ? type.Value : null;
        if (Property(document.Kind, runType, hit.Path, keyIndex) is not { } found)
        {
            return null;
        }

        // On a key, the value is the key's whole value; on a value, the scalar or list item under the cursor.
        var (value, asItem) = hit.OnKey ? (entry.Value, false) : (hit.Node, hit.ItemDepth == 1);
        if (!hit.OnKey && hit.ItemDepth > 1)
        {
            value = null;
        }

        if (value is YamlScalar { IsNull: true } && value.Span.Length == 0)
        {
            value = null;
        }

        var problems = value is null ? [] : document.Diagnostics.Where(d => Inside(d.Span, value.Span)).ToList();
        return new HoverSubject(found.Property, found.Owner, DottedPath(hit.Path, keyIndex), value, asItem, hit.Node.Span, offset, problems);
    }

    /// <summary>The property whose key is at <paramref name="keyIndex"/> of <paramref name="path"/>, and the model type that has it.</summary>
    public static (PropertyDescriptor Property, Type Owner)? Property(ConfigurationKind kind, string? runType, IReadOnlyList<PathSegment> path, int keyIndex)
    {
        if (keyIndex < 0 || ModelPath.Resolve(kind, runType, [.. path.Take(keyIndex)]) is not { } parent)
        {
            return null;
        }

        var key = path[keyIndex].Key!;
        foreach (var type in parent.ObjectTypes)
        {
            if (ModelDescriptor.For(type).Find(key) is { } property)
            {
                return (property, type);
            }
        }

        return null;
    }

    /// <summary><c>resources.gpu</c>, <c>profiles[].name</c>: the path up to the property's key.</summary>
    public static string DottedPath(IReadOnlyList<PathSegment> path, int keyIndex)
    {
        var text = new System.Text.StringBuilder();
        for (var i = 0; i <= keyIndex; i++)
        {
            if (path[i].IsItem)
            {
                text.Append("[]");
            }
            else
            {
                text.Append(text.Length == 0 ? string.Empty : ".").Append(path[i].Key);
            }
        }

        return text.ToString();
    }

    private static bool Inside(SourceSpan inner, SourceSpan outer) => inner.Start >= outer.Start && inner.End <= outer.End;
}
