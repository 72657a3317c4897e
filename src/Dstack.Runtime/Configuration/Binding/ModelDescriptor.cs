using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Dstack.Runtime.Configuration.Model;

namespace Dstack.Runtime.Configuration.Binding;

/// <summary>The properties of one model type in the order a user reads them: own properties first, profile parameters last.</summary>
public sealed class ModelDescriptor
{
    private static readonly ConcurrentDictionary<Type, ModelDescriptor> Cache = new();
    private readonly Dictionary<string, PropertyDescriptor> _byName;
    [DynamicallyAccessedMembers(ModelTypes.ModelMembers)]
    private readonly Type? _type;

    /// <summary>A descriptor read from the type's public properties; made only through <see cref="ModelTypes"/>.</summary>
    internal ModelDescriptor([DynamicallyAccessedMembers(ModelTypes.ModelMembers)] Type type)
    {
        Type = type;
        _type = type;
        Properties =
        [
            .. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.GetIndexParameters().Length == 0)
                .Select(Root)
                .Select(p => (Property: p, Described: p.GetCustomAttribute<DescriptionAttribute>()))
                .Where(p => p.Described is not null)
                .DistinctBy(p => p.Property.Name)
                .OrderBy(p => p.Property.DeclaringType == typeof(ProfileParameters) ? 1 : 0)
                .ThenBy(p => Depth(p.Property.DeclaringType!))
                .ThenBy(p => p.Described!.Line)
                .Select(p => new PropertyDescriptor(p.Property)),
        ];
        _byName = Properties.ToDictionary(p => p.YamlName, StringComparer.Ordinal);
        ConfigurationType = type.GetCustomAttribute<ConfigurationTypeAttribute>()?.Name;
        if (type.GetCustomAttribute<VariantsAttribute>() is { } variants)
        {
            VariantKey = variants.Key;
            Variants = variants.Types.ToDictionary(t => For(t).Selector!.Value.Value, t => t, StringComparer.Ordinal);
        }
        else if (type.BaseType?.GetCustomAttribute<VariantsAttribute>() is { } parent)
        {
            // The shape's own value of the key: what its override of the key's property returns.
            var key = Properties.First(p => p.YamlName == parent.Key);
            Selector = (parent.Key, (string)key.Property.GetValue(Activator.CreateInstance(type))!);
        }
    }

    /// <summary>A type with no described properties: no model.</summary>
    private ModelDescriptor(Type type, bool empty)
    {
        Type = type;
        Properties = [];
        _byName = [];
    }

    public Type Type { get; }

    public IReadOnlyList<PropertyDescriptor> Properties { get; }

    /// <summary>The <c>type:</c> value for a run configuration class, else null.</summary>
    public string? ConfigurationType { get; }

    /// <summary>For an abstract model written in several shapes: the key that selects the shape (<c>format</c>), else null.</summary>
    public string? VariantKey { get; }

    /// <summary>For an abstract model written in several shapes: each shape's type by its value of <see cref="VariantKey"/>.</summary>
    public IReadOnlyDictionary<string, Type> Variants { get; } = new Dictionary<string, Type>();

    /// <summary>For one shape of such a model: the key and the value that select it (<c>format: tgi</c>), else null.</summary>
    public (string Key, string Value)? Selector { get; }

    /// <summary>What selects this type, as a user writes it: <c>type: task</c>, <c>format: tgi</c>; null when nothing does.</summary>
    public string? SelectorText => ConfigurationType is { } t ? $"type: {t}" : Selector is { } s ? $"{s.Key}: {s.Value}" : null;

    /// <summary>The descriptor of <paramref name="type"/>: empty (no properties) for a type that is not a model.</summary>
    public static ModelDescriptor For(Type type) => Cache.GetOrAdd(type, static t => ModelTypes.Describe(t) ?? new ModelDescriptor(t, empty: true));

    /// <summary>A new instance of the model type, to bind into.</summary>
    internal object CreateInstance() =>
        Activator.CreateInstance(_type ?? throw new InvalidOperationException($"{Type.Name} is not a model type registered in {nameof(ModelTypes)}"))!;

    public PropertyDescriptor? Find(string yamlName) => _byName.GetValueOrDefault(yamlName);

    /// <summary>The run configuration classes, by their <c>type:</c> value.</summary>
    public static IReadOnlyDictionary<string, Type> RunConfigurationTypes { get; } = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        ["task"] = typeof(TaskConfiguration),
        ["dev-environment"] = typeof(DevEnvironmentConfiguration),
        ["service"] = typeof(ServiceConfiguration),
    };

    private static int Depth(Type type)
    {
        var depth = 0;
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            depth++;
        }

        return depth;
    }

    // An overriding property (such as Type) keeps the attributes of its abstract declaration.
    [UnconditionalSuppressMessage(
        "Trimming",
        "IL2075:'this' argument does not satisfy 'DynamicallyAccessedMembersAttribute' in call to target method",
        Justification = "The declaring type is a base type of a model type whose public properties are kept (PublicProperties keeps them on the whole type hierarchy).")]
    private static PropertyInfo Root(PropertyInfo property) =>
        property.GetMethod?.GetBaseDefinition() is { } baseGetter && baseGetter.DeclaringType != property.DeclaringType
            ? baseGetter.DeclaringType!.GetProperty(property.Name) ?? property
            : property;
}
