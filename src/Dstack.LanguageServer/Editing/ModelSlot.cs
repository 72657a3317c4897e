using Dstack.Runtime.Configuration.Binding;

namespace Dstack.LanguageServer.Editing;

/// <summary>
/// What the configuration model expects at a path of a document: the property there (its description, default and
/// rules), the type of its value, and, when the value may be written as a mapping, the model type whose properties are
/// its keys.
/// </summary>
/// <param name="Property">The property the path ends at; null at the top level or inside a list item.</param>
/// <param name="ValueType">The type of the value at the path (for a list item, the item type).</param>
/// <param name="ObjectTypes">The model types whose properties are the keys here: one, or several for a run configuration whose <c>type</c> is not known yet.</param>
/// <param name="ItemType">For a list, the type of its items.</param>
public sealed record ModelSlot(PropertyDescriptor? Property, Type? ValueType, IReadOnlyList<Type> ObjectTypes, Type? ItemType)
{
    /// <summary>The keys this slot takes when written as a mapping, in the model's order, without duplicates.</summary>
    public IReadOnlyList<PropertyDescriptor> Keys =>
        [.. ObjectTypes.SelectMany(t => ModelDescriptor.For(t).Properties).DistinctBy(p => p.YamlName)];

    /// <summary>The property with this key in any of <see cref="ObjectTypes"/>.</summary>
    public PropertyDescriptor? FindKey(string key) =>
        ObjectTypes.Select(t => ModelDescriptor.For(t).Find(key)).FirstOrDefault(p => p is not null);

    public bool IsObject => ObjectTypes.Count > 0;

    public bool IsList => ItemType is not null;
}
