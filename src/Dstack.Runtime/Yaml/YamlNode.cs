using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Yaml;

/// <summary>A node of a YAML document with its exact place in the source.</summary>
public abstract class YamlNode
{
    protected YamlNode(SourceSpan span, string? tag)
    {
        Span = span;
        Tag = tag;
    }

    public SourceSpan Span { get; }

    /// <summary>The explicit tag (<c>!!str</c> is stored as <c>tag:yaml.org,2002:str</c>), or null.</summary>
    public string? Tag { get; }

    /// <summary>The kind of value in words, for messages: "a string", "a list", "a mapping", "a number".</summary>
    public abstract string Describe();
}
