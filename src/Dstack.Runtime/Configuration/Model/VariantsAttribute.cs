namespace Dstack.Runtime.Configuration.Model;

/// <summary>
/// Marks an abstract model written in several shapes that one key tells apart (a service model's <c>format</c>);
/// each shape overrides that key's property with its own value.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class VariantsAttribute(string key, params Type[] types) : Attribute
{
    /// <summary>The YAML key whose value selects the shape.</summary>
    public string Key { get; } = key;

    public IReadOnlyList<Type> Types { get; } = types;
}
