using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Dstack.Runtime.Configuration.Model;

namespace Dstack.Runtime.Configuration.Binding;

/// <summary>
/// One property of a model type as a configuration file sees it: its YAML name, type, description, default
/// and rules. Read once from the model's attributes; the binder, the JSON encoding, the schema, the docs and
/// the language server all use it, so there is one description of every property.
/// </summary>
public sealed class PropertyDescriptor
{
    internal PropertyDescriptor(PropertyInfo property)
    {
        Property = property;
        YamlName = ToSnakeCase(property.Name);
        var type = property.PropertyType;
        ValueType = Nullable.GetUnderlyingType(type) ?? type;
        // NullabilityInfoContext is not thread-safe, and descriptors are built on whatever thread first asks.
        var nullability = type.IsValueType ? null : new NullabilityInfoContext().Create(property);
        AllowsNull = Nullable.GetUnderlyingType(type) is not null ||
            (nullability is not null && nullability.WriteState != NullabilityState.NotNull && nullability.ReadState != NullabilityState.NotNull);
        // The attributes once, picked by type below: each GetCustomAttribute call searches the metadata again, which a
        // native build does slowly (a dozen searches per property were a few milliseconds of every command's start).
        var attributes = property.GetCustomAttributes(inherit: true);
        IsRequired = attributes.OfType<RequiredAttribute>().Any();
        Description = attributes.OfType<System.ComponentModel.DescriptionAttribute>().FirstOrDefault()?.Description ?? string.Empty;
        DefaultText = attributes.OfType<DefaultValueAttribute>().FirstOrDefault()?.Value switch
        {
            null => null,
            bool b => b ? "true" : "false",
            { } v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture),
        };
        Example = attributes.OfType<ExampleAttribute>().FirstOrDefault()?.Yaml;
        DeprecatedAdvice = attributes.OfType<DeprecatedAttribute>().FirstOrDefault()?.Advice;
        DurationForms = attributes.OfType<DurationFormsAttribute>().FirstOrDefault();
        IsPythonVersion = attributes.OfType<PythonVersionAttribute>().Any();
        DefaultLocalPort = attributes.OfType<DefaultLocalPortAttribute>().FirstOrDefault()?.Port;
        IsSettable = property.SetMethod is not null;
        IsSingleOrList = attributes.OfType<SingleOrListAttribute>().Any();
        IsMappingAsOneItem = attributes.OfType<MappingAsOneItemAttribute>().Any();
    }

    public PropertyInfo Property { get; }

    /// <summary>The key in YAML: the property name in snake_case (<c>shm_size</c>).</summary>
    public string YamlName { get; }

    /// <summary>The property type with <see cref="Nullable{T}"/> removed.</summary>
    public Type ValueType { get; }

    /// <summary>Whether an explicit <c>null</c> is accepted (it means "no requirement" or "not set").</summary>
    public bool AllowsNull { get; }

    public bool IsRequired { get; }

    public string Description { get; }

    /// <summary>The default as a user would write it (<c>2..</c>, <c>5m</c>), or null when there is none to state.</summary>
    public string? DefaultText { get; }

    public string? Example { get; }

    /// <summary>Set for a deprecated property: what to do instead.</summary>
    public string? DeprecatedAdvice { get; }

    public DurationFormsAttribute? DurationForms { get; }

    public bool IsPythonVersion { get; }

    public int? DefaultLocalPort { get; }

    public bool IsSettable { get; }

    /// <summary>A list property that also takes one value written alone.</summary>
    public bool IsSingleOrList { get; }

    /// <summary>A list of objects that also takes one object written as a mapping (with a warning).</summary>
    public bool IsMappingAsOneItem { get; }

    public override string ToString() => YamlName;

    public static string ToSnakeCase(string name)
    {
        var text = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }
}
