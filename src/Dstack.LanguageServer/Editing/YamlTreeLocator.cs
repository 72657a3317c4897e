using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Yaml;

namespace Dstack.LanguageServer.Editing;

/// <summary>
/// Finds the key or value at an offset in a parsed YAML tree, with its exact path: what hover needs when the file
/// parses. A position on indentation, between entries, on a <c>-</c> or in a comment is on nothing.
/// </summary>
public static class YamlTreeLocator
{
    /// <summary>The key or value under <paramref name="offset"/>, or null. A position just past a key or value still counts as on it.</summary>
    public static YamlTreeHit? At(YamlNode? root, int offset)
    {
        if (root is null)
        {
            return null;
        }

        var path = new List<PathSegment>();
        return Find(root, offset, path, entry: null, depth: 0);
    }

    private static YamlTreeHit? Find(YamlNode node, int offset, List<PathSegment> path, YamlEntry? entry, int depth)
    {
        // Aliases can make a tree a graph; real files are shallow, so a depth bound is enough to stop any cycle.
        if (depth > YamlTreeReader.MaxDepth)
        {
            return null;
        }

        switch (node)
        {
            case YamlMapping mapping:
                foreach (var child in mapping.Entries)
                {
                    if (Contains(child.Key.Span, offset))
                    {
                        return new YamlTreeHit([.. path, PathSegment.Of(child.Key.Value)], child, child.Key, OnKey: true);
                    }

                    if (Contains(child.Value.Span, offset) && !IsEmptyNull(child.Value))
                    {
                        path.Add(PathSegment.Of(child.Key.Value));
                        if (Find(child.Value, offset, path, child, depth + 1) is { } hit)
                        {
                            return hit;
                        }

                        path.RemoveAt(path.Count - 1);
                    }
                }

                return mapping.Entries.Count == 0 && entry is not null ? new YamlTreeHit([.. path], entry, mapping, OnKey: false) : null;
            case YamlSequence sequence:
                foreach (var item in sequence.Items)
                {
                    if (Contains(item.Span, offset) && !IsEmptyNull(item))
                    {
                        path.Add(PathSegment.Item);
                        if (Find(item, offset, path, entry, depth + 1) is { } hit)
                        {
                            return hit;
                        }

                        path.RemoveAt(path.Count - 1);
                    }
                }

                return sequence.Items.Count == 0 && entry is not null ? new YamlTreeHit([.. path], entry, sequence, OnKey: false) : null;
            default:
                return new YamlTreeHit([.. path], entry, node, OnKey: false);
        }
    }

    private static bool Contains(SourceSpan span, int offset) => span.Start <= offset && offset <= span.End;

    private static bool IsEmptyNull(YamlNode node) => node is YamlScalar { IsNull: true } && node.Span.Length == 0;
}
