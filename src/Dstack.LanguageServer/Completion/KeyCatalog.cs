using System.Collections.Concurrent;
using System.Text;
using Dstack.LanguageServer.Editing;
using Dstack.LanguageServer.Protocol;
using Dstack.Runtime.Configuration.Binding;

namespace Dstack.LanguageServer.Completion;

/// <summary>
/// The keys a mapping of some model types may be given, each with all it shows and inserts, worked out once per set of
/// types (<see cref="ModelSlot.ObjectTypes"/>): a key completion then only picks the keys not written yet and puts
/// them over the cursor's range, with no text built per request. That keeps a completion's garbage small, and with it
/// how often a request meets a collection.
/// </summary>
public sealed class KeyCatalog
{
    private static readonly ConcurrentDictionary<IReadOnlyList<Type>, KeyCatalog> Catalogs = new(TypeListComparer.Instance);

    private KeyCatalog(IReadOnlyList<Type> types)
    {
        var slot = new ModelSlot(null, null, types, null);
        var keys = slot.Keys;
        var entries = new List<KeyEntry>(keys.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            var key = keys[i];
            // A read-only key is still written when it selects the shape: a run's `type`, a service model's `format`.
            if (!key.IsSettable && key.YamlName != "type" && ModelDescriptor.For(key.Property.DeclaringType!).VariantKey != key.YamlName)
            {
                continue;
            }

            entries.Add(KeyEntry.Of(key, KeyOrder.Of(key, i, types)));
        }

        Entries = entries;
    }

    /// <summary>The keys that may be written, in the model's order.</summary>
    public IReadOnlyList<KeyEntry> Entries { get; }

    /// <summary>The catalog of the keys of <paramref name="types"/> (the same instance for the same types, in the same order).</summary>
    public static KeyCatalog Of(IReadOnlyList<Type> types) =>
        Catalogs.TryGetValue(types, out var catalog) ? catalog : Catalogs.GetOrAdd([.. types], static t => new KeyCatalog(t));

    /// <summary>Two lists of types are the same key when they hold the same types in the same order.</summary>
    private sealed class TypeListComparer : IEqualityComparer<IReadOnlyList<Type>>
    {
        public static readonly TypeListComparer Instance = new();

        public bool Equals(IReadOnlyList<Type>? x, IReadOnlyList<Type>? y)
        {
            if (ReferenceEquals(x, y))
            {
                return true;
            }

            if (x is null || y is null || x.Count != y.Count)
            {
                return false;
            }

            for (var i = 0; i < x.Count; i++)
            {
                if (x[i] != y[i])
                {
                    return false;
                }
            }

            return true;
        }

        public int GetHashCode(IReadOnlyList<Type> types)
        {
            var hash = new HashCode();
            for (var i = 0; i < types.Count; i++)
            {
                hash.Add(types[i]);
            }

            return hash.ToHashCode();
        }
    }
}

/// <summary>One key of a <see cref="KeyCatalog"/>: what its item shows, and the texts it may insert.</summary>
/// <param name="Key">The property.</param>
/// <param name="SortText">Its place in the list (<see cref="KeyOrder"/>).</param>
/// <param name="Detail">Its type, as the item's detail (<c>deprecated: </c> first for a deprecated key).</param>
/// <param name="Documentation">Its description, deprecation advice and example.</param>
/// <param name="Snippet">For a key whose value is a block, the snippet lines (<see cref="KeySnippets"/>); else null.</param>
/// <param name="Tags">The deprecated tag, or null.</param>
public sealed record KeyEntry(PropertyDescriptor Key, string SortText, string Detail, MarkupContent Documentation, IReadOnlyList<string>? Snippet, IReadOnlyList<int>? Tags)
{
    private static readonly IReadOnlyList<int> DeprecatedTags = [CompletionItemTag.Deprecated];

    /// <summary>What a scalar key inserts: <c>key: </c>.</summary>
    public string KeyAndColon { get; } = Key.YamlName + ": ";

    /// <summary>The snippet joined for a key at the line's own indentation (the usual case), or null.</summary>
    public string? SnippetText { get; } = Snippet is null ? null : KeyCompletion.Indent(Snippet, 0);

    /// <summary>The snippet written <paramref name="beyondLine"/> columns deeper than the key's line (after <c>- </c>).</summary>
    public string SnippetAt(int beyondLine) => beyondLine == 0 ? SnippetText! : KeyCompletion.Indent(Snippet!, beyondLine);

    public static KeyEntry Of(PropertyDescriptor key, string sortText)
    {
        var markdown = new StringBuilder(key.Description);
        if (key.DeprecatedAdvice is { } advice)
        {
            markdown.Append("\n\n**Deprecated:** ").Append(advice).Append('.');
        }

        if (key.Example is { } example)
        {
            markdown.Append("\n\n```yaml\n").Append(example).Append("\n```");
        }

        var detail = TypeText.Of(key);
        return new KeyEntry(
            key,
            sortText,
            key.DeprecatedAdvice is null ? detail : $"deprecated: {detail}",
            MarkupContent.Markdown(markdown.ToString()),
            KeySnippets.Of(key),
            key.DeprecatedAdvice is null ? null : DeprecatedTags);
    }
}
