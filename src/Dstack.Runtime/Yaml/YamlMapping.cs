using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Yaml;

/// <summary>A YAML mapping, entries in source order, duplicate keys already reported and dropped.</summary>
public sealed class YamlMapping : YamlNode
{
    public YamlMapping(SourceSpan span, string? tag, IReadOnlyList<YamlEntry> entries)
        : base(span, tag) => Entries = entries;

    public IReadOnlyList<YamlEntry> Entries { get; }

    public YamlEntry? Find(string key)
    {
        foreach (var entry in Entries)
        {
            if (entry.Key.Value == key)
            {
                return entry;
            }
        }

        return null;
    }

    public YamlNode? this[string key] => Find(key)?.Value;

    public override string Describe() => "a mapping";
}
