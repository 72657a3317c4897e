using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Yaml;

namespace Dstack.Runtime.Configuration.Binding;

/// <summary>
/// Where each bound object and property came from in the YAML, so rules that look at several properties
/// (and the language server) can point at the exact key or value.
/// </summary>
public sealed class SourceMap
{
    private readonly Dictionary<object, YamlNode> _nodes = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<object, Dictionary<string, YamlEntry>> _entries = new(ReferenceEqualityComparer.Instance);

    internal void Record(object owner, YamlNode node) => _nodes[owner] = node;

    internal void Record(object owner, YamlEntry entry)
    {
        if (!_entries.TryGetValue(owner, out var map))
        {
            _entries[owner] = map = new Dictionary<string, YamlEntry>(StringComparer.Ordinal);
        }

        map[entry.Key.Value] = entry;
    }

    /// <summary>The YAML node a bound object was read from.</summary>
    public YamlNode? NodeOf(object owner) => _nodes.GetValueOrDefault(owner);

    /// <summary>The <c>key: value</c> entry that set <paramref name="yamlName"/> on <paramref name="owner"/>.</summary>
    public YamlEntry? EntryOf(object owner, string yamlName) =>
        _entries.TryGetValue(owner, out var map) ? map.GetValueOrDefault(yamlName) : null;

    /// <summary>The value's span when the property was written, else the owner's span, else the file start.</summary>
    public SourceSpan ValueSpan(object owner, string yamlName) =>
        EntryOf(owner, yamlName)?.Value.Span ?? NodeOf(owner)?.Span ?? SourceSpan.FileStart;

    public SourceSpan KeySpan(object owner, string yamlName) =>
        EntryOf(owner, yamlName)?.Key.Span ?? NodeOf(owner)?.Span ?? SourceSpan.FileStart;
}
