using Dstack.Runtime.Yaml;

namespace Dstack.LanguageServer.Formatting;

/// <summary>Whether two YAML trees say the same: the same keys in the same order, the same items, the same scalars read the same way. Positions are ignored.</summary>
public static class YamlTreeComparer
{
    public static bool Same(YamlNode? a, YamlNode? b, int depth = 0) => (a, b) switch
    {
        (null, null) => true,
        _ when depth > YamlTreeReader.MaxDepth => true,
        (YamlScalar x, YamlScalar y) => x.Value == y.Value && x.Kind == y.Kind && x.Tag == y.Tag,
        (YamlSequence x, YamlSequence y) => x.Tag == y.Tag && x.Items.Count == y.Items.Count &&
            x.Items.Zip(y.Items).All(p => Same(p.First, p.Second, depth + 1)),
        (YamlMapping x, YamlMapping y) => x.Tag == y.Tag && x.Entries.Count == y.Entries.Count &&
            x.Entries.Zip(y.Entries).All(p => Same(p.First.Key, p.Second.Key, depth + 1) && Same(p.First.Value, p.Second.Value, depth + 1)),
        _ => false,
    };
}
