namespace Dstack.Runtime.Yaml;

/// <summary>One <c>key: value</c> pair of a mapping. Keys are always scalars.</summary>
public sealed record YamlEntry(YamlScalar Key, YamlNode Value);
