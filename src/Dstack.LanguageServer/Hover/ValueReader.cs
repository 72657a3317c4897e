using Dstack.Runtime.Configuration.Binding;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Yaml;

namespace Dstack.LanguageServer.Hover;

/// <summary>
/// Reads one value node as the configuration loader does, with the runtime's own binder: the value is bound alone,
/// as the only key of a fresh owner object, so hover describes what dstack will read rather than what the text looks like.
/// </summary>
public static class ValueReader
{
    /// <summary>A span that no real node has: problems the binder reports against the synthetic owner are left out.</summary>
    private static readonly SourceSpan Nowhere = new(0, 0, 0, 0, -1, -1);

    /// <summary>
    /// Binds <paramref name="node"/> as the value of <paramref name="property"/> of an <paramref name="ownerType"/>
    /// (or, when <paramref name="asItem"/>, as one item of that list property). <paramref name="ownerPath"/> is the
    /// dotted path of the owner, so messages name the value as the loader's do.
    /// </summary>
    public static ReadValue Read(Type ownerType, PropertyDescriptor property, YamlNode node, bool asItem, string ownerPath)
    {
        if (ownerType.IsAbstract || !property.IsSettable)
        {
            return new ReadValue(null, []);
        }

        var bag = new DiagnosticBag(null);
        var key = new YamlScalar(Nowhere, null, property.YamlName, isPlain: true, '\0', string.Empty);
        var value = asItem ? new YamlSequence(node.Span, null, [node]) : node;
        var owner = new YamlMapping(Nowhere, null, [new YamlEntry(key, value)]);
        var instance = new ModelBinder(bag, new SourceMap()).BindObject(ownerType, owner, ownerPath);
        var bound = instance is null ? null : property.Property.GetValue(instance);
        if (asItem)
        {
            bound = bound is System.Collections.IList { Count: 1 } list ? list[0] : null;
        }

        var written = node is YamlScalar { IsNull: true } ? null : bound;
        return new ReadValue(written, [.. bag.Items.Where(d => d.Span.Start >= 0)]);
    }
}
