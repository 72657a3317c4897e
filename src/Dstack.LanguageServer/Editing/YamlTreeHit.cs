using Dstack.Runtime.Yaml;

namespace Dstack.LanguageServer.Editing;

/// <summary>The key or value under a position in a parsed YAML tree.</summary>
/// <param name="Path">The keys and list items from the top down to <paramref name="Node"/>: for a key, it ends with that key; for a value, with its key or the list items that hold it.</param>
/// <param name="Entry">The nearest <c>key: value</c> entry holding <paramref name="Node"/> (its key, or its value or an item inside it); null for an item of a top-level list.</param>
/// <param name="Node">The key scalar, or the innermost value node (a scalar, or an empty collection) under the position.</param>
/// <param name="OnKey">The position is on a key.</param>
public sealed record YamlTreeHit(IReadOnlyList<PathSegment> Path, YamlEntry? Entry, YamlNode Node, bool OnKey)
{
    /// <summary>The index in <see cref="Path"/> of the key of <see cref="Entry"/>, or -1.</summary>
    public int EntryKeyIndex
    {
        get
        {
            for (var i = Path.Count - 1; i >= 0; i--)
            {
                if (!Path[i].IsItem)
                {
                    return i;
                }
            }

            return -1;
        }
    }

    /// <summary>How many list items lie between <see cref="Entry"/>'s key and <see cref="Node"/>.</summary>
    public int ItemDepth => Path.Count - 1 - EntryKeyIndex;
}
