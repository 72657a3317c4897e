using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Binding;
using Dstack.Runtime.Configuration.Model;

namespace Dstack.LanguageServer.Editing;

/// <summary>
/// Follows a <see cref="PathSegment"/> path through the configuration model: from the file's kind (and a run
/// configuration's <c>type</c>) down through properties and list items to the <see cref="ModelSlot"/> at its end.
/// </summary>
public static class ModelPath
{
    /// <summary>The types a run configuration's top level may be, when its <c>type</c> is missing or not one of them.</summary>
    private static readonly IReadOnlyList<Type> AnyRunConfiguration = [.. ModelDescriptor.RunConfigurationTypes.Values];

    /// <summary>The top-level slot of a file of <paramref name="kind"/>; <paramref name="runType"/> is the <c>type:</c> value, if any.</summary>
    public static ModelSlot Root(ConfigurationKind kind, string? runType) => kind switch
    {
        ConfigurationKind.Profiles => ObjectSlot(null, typeof(ProfilesFile)),
        ConfigurationKind.Workflows => ObjectSlot(null, typeof(WorkflowsFile)),
        _ when runType is not null && ModelDescriptor.RunConfigurationTypes.TryGetValue(runType, out var type) => ObjectSlot(null, type),
        _ => new ModelSlot(null, null, AnyRunConfiguration, null),
    };

    /// <summary>The slot at <paramref name="path"/>, or null where the path leaves the model (an unknown key, a key in a scalar).</summary>
    public static ModelSlot? Resolve(ConfigurationKind kind, string? runType, IReadOnlyList<PathSegment> path)
    {
        var slot = Root(kind, runType);
        foreach (var segment in path)
        {
            slot = segment.IsItem ? ItemOf(slot) : PropertyOf(slot, segment.Key!);
            if (slot is null)
            {
                return null;
            }
        }

        return slot;
    }

    /// <summary>The slot of a property's value.</summary>
    public static ModelSlot Of(PropertyDescriptor property)
    {
        var type = property.ValueType;
        var item = ItemTypeOf(type);
        return new ModelSlot(property, type, ObjectTypesOf(type), item);
    }

    private static ModelSlot? PropertyOf(ModelSlot slot, string key) => slot.FindKey(key) is { } property ? Of(property) : null;

    private static ModelSlot? ItemOf(ModelSlot slot)
    {
        if (slot.ItemType is not { } item)
        {
            return null;
        }

        return new ModelSlot(slot.Property, item, ObjectTypesOf(item), ItemTypeOf(item));
    }

    // A model written in several shapes (a service model, by `format`) takes the keys of every shape.
    private static IReadOnlyList<Type> ObjectTypesOf(Type type) =>
        !IsModel(type) ? []
        : ModelDescriptor.For(type).Variants is { Count: > 0 } variants ? [.. variants.Values]
        : [type];

    private static ModelSlot ObjectSlot(PropertyDescriptor? property, Type type) => new(property, type, [type], null);

    /// <summary>A model type: one whose properties are written as keys (it has described properties).</summary>
    public static bool IsModel(Type type) =>
        type.IsClass && type != typeof(string) && ModelDescriptor.For(type).Properties.Count > 0;

    /// <summary>The item type of a list type (<c>IReadOnlyList&lt;T&gt;</c> or a class that is one), else null.</summary>
    public static Type? ItemTypeOf(Type type)
    {
        if (type == typeof(string))
        {
            return null;
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            return type.GetGenericArguments()[0];
        }

        // The model's one class that is a list; named rather than found through GetInterfaces, which a native build
        // cannot answer for types it trimmed (ModelPathTests checks every model property type against GetInterfaces).
        return type == typeof(EnvVariables) ? typeof(EnvVariable) : null;
    }
}
