using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Yaml;

/// <summary>A YAML sequence (list).</summary>
public sealed class YamlSequence : YamlNode
{
    public YamlSequence(SourceSpan span, string? tag, IReadOnlyList<YamlNode> items)
        : base(span, tag) => Items = items;

    public IReadOnlyList<YamlNode> Items { get; }

    public override string Describe() => "a list";
}
