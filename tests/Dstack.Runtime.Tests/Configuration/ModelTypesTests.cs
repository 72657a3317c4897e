using System.Reflection;
using System.Runtime.Serialization;
using Dstack.Runtime.Configuration.Binding;
using Dstack.Runtime.Configuration.Model;

namespace Dstack.Runtime.Tests.Configuration;

/// <summary>
/// The registry that lets the binder run without unbounded reflection (Native AOT) is complete, and what it gives is
/// what plain reflection gives in this (JIT) build: the same properties in the same order as the metadata order
/// the descriptors used before, the same enum spellings, a list factory for every list property.
/// </summary>
[Trait("Category", "Fast")]
public sealed class ModelTypesTests
{
    private static readonly Assembly Runtime = typeof(ModelDescriptor).Assembly;

    public static TheoryData<Type> Models => [.. ModelTypes.ModelTypeSet];

    [Fact]
    public void EveryTypeWithDescribedProperties_IsRegistered()
    {
        var described = Runtime.GetTypes()
            .Where(t => t.IsClass && t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Any(p => p.GetCustomAttribute<System.ComponentModel.DescriptionAttribute>() is not null))
            .ToList();

        Assert.NotEmpty(described);
        Assert.Empty(described.Where(t => !ModelTypes.ModelTypeSet.Contains(t)).Select(t => t.FullName));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Descriptor_ListsPropertiesInMetadataOrder(Type type)
    {
        var byMetadata = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)
            .Select(Root)
            .Where(p => p.GetCustomAttribute<System.ComponentModel.DescriptionAttribute>() is not null)
            .DistinctBy(p => p.Name)
            .OrderBy(p => p.DeclaringType == typeof(ProfileParameters) ? 1 : 0)
            .ThenBy(p => Depth(p.DeclaringType!))
            .ThenBy(p => p.MetadataToken)
            .Select(p => p.Name)
            .ToList();

        Assert.NotEmpty(byMetadata);
        Assert.Equal(byMetadata, ModelDescriptor.For(type).Properties.Select(p => p.Property.Name));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void EveryEnumAndListOfAProperty_IsRegistered(Type type)
    {
        foreach (var property in ModelDescriptor.For(type).Properties)
        {
            var valueType = property.ValueType;
            if (valueType.IsGenericType && valueType.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
            {
                var item = valueType.GetGenericArguments()[0];
                Assert.IsType(typeof(List<>).MakeGenericType(item), ModelTypes.NewList(item));
                valueType = Nullable.GetUnderlyingType(item) ?? item;
            }

            if (valueType.IsEnum)
            {
                Assert.Contains(valueType, ModelTypes.EnumTypeSet);
            }
            else if (valueType.IsClass && valueType.GetProperties().Any(p => p.GetCustomAttribute<System.ComponentModel.DescriptionAttribute>() is not null))
            {
                Assert.Contains(valueType, ModelTypes.ModelTypeSet);
            }
        }
    }

    [Fact]
    public void EnumNames_AreTheFieldsInDeclarationOrderWithTheirYamlSpelling()
    {
        Assert.NotEmpty(ModelTypes.EnumTypeSet);
        foreach (var type in ModelTypes.EnumTypeSet)
        {
            var expected = type.GetFields(BindingFlags.Public | BindingFlags.Static)
                .Select(f => (f.GetCustomAttribute<EnumMemberAttribute>()?.Value ?? f.Name.ToLowerInvariant(), f.GetValue(null)!))
                .ToList();

            Assert.Equal(expected, ModelBinder.EnumNames(type));
        }
    }

    [Fact]
    public void EnumNames_OfAnUnregisteredEnum_SaysWhereToRegisterIt()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ModelBinder.EnumNames(typeof(DayOfWeek)));

        Assert.Contains("Enum<DayOfWeek>()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void For_AClassThatIsNoModel_HasNoProperties()
    {
        Assert.Empty(ModelDescriptor.For(typeof(PortMapping)).Properties);
        Assert.Null(ModelDescriptor.For(typeof(PortMapping)).Find("container_port"));
    }

    private static PropertyInfo Root(PropertyInfo property) =>
        property.GetMethod?.GetBaseDefinition() is { } baseGetter && baseGetter.DeclaringType != property.DeclaringType
            ? baseGetter.DeclaringType!.GetProperty(property.Name) ?? property
            : property;

    private static int Depth(Type type)
    {
        var depth = 0;
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            depth++;
        }

        return depth;
    }
}
