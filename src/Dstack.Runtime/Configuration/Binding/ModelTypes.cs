using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.Serialization;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Configuration.Binding;

/// <summary>
/// Every type the binder reads by reflection, registered through generic methods whose type parameters carry
/// <see cref="DynamicallyAccessedMembersAttribute"/>: the trimmer (and Native AOT) keeps exactly the members the
/// binder reads, and lists are made by typed factories instead of <c>MakeGenericType</c>. A model class with
/// described properties, an enum, or a list item type that is missing here is a bug that a test
/// (ModelTypesTests) finds.
/// </summary>
internal static class ModelTypes
{
    /// <summary>What a model type's descriptor reads: its public properties, and a new instance for a shape's key.</summary>
    internal const DynamicallyAccessedMemberTypes ModelMembers =
        DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor;

    private static readonly Dictionary<Type, Func<ModelDescriptor>> Models = [];
    private static readonly Dictionary<Type, Func<IReadOnlyList<(string Name, object Value)>>> Enums = [];
    private static readonly Dictionary<Type, Func<IList>> Lists = [];

    static ModelTypes()
    {
        Model<TaskConfiguration>();
        Model<DevEnvironmentConfiguration>();
        Model<ServiceConfiguration>();
        Model<RunConfiguration>();
        Model<ProfileParameters>();
        Model<Profile>();
        Model<ProfilesFile>();
        Model<ServiceModel>();
        Model<OpenAIChatModel>();
        Model<TgiChatModel>();
        Model<RegistryAuth>();
        Model<RetryPolicy>();
        Model<RetrySpec>();
        Model<ScalingSpec>();
        Model<UtilizationPolicy>();
        Model<ResourcesSpec>();
        Model<GpuSpec>();
        Model<DiskSpec>();
        Model<Workflow>();
        Model<WorkflowDep>();
        Model<WorkflowGpu>();
        Model<WorkflowPath>();
        Model<WorkflowResources>();
        Model<WorkflowsFile>();

        Enum<BackendType>();
        Enum<CreationPolicy>();
        Enum<GpuVendor>();
        Enum<IdeKind>();
        Enum<ModelType>();
        Enum<RetryEvent>();
        Enum<ScalingMetric>();
        Enum<SpotPolicy>();
        Enum<TerminationPolicy>();
        Enum<WorkflowProvider>();

        List<string>();
        List<BackendType>();
        List<RetryEvent>();
        List<FileMapping>();
        List<PortMapping>();
        List<VolumeMount>();
        List<Profile>();
        List<Workflow>();
        List<WorkflowDep>();
        List<WorkflowPath>();
    }

    /// <summary>The registered model types (for the test that checks the registry is complete).</summary>
    internal static IReadOnlyCollection<Type> ModelTypeSet => Models.Keys;

    /// <summary>The registered enum types.</summary>
    internal static IReadOnlyCollection<Type> EnumTypeSet => Enums.Keys;

    /// <summary>The item types that lists can be made of.</summary>
    internal static IReadOnlyCollection<Type> ListItemTypeSet => Lists.Keys;

    /// <summary>The descriptor of a registered model type; null for any other type (it has no described properties).</summary>
    internal static ModelDescriptor? Describe(Type type) => Models.TryGetValue(type, out var describe) ? describe() : null;

    /// <summary>The YAML spelling and value of each field of a registered enum, in declaration order.</summary>
    internal static IReadOnlyList<(string Name, object Value)> EnumNames(Type enumType) =>
        Enums.TryGetValue(enumType, out var names)
            ? names()
            : throw new InvalidOperationException($"{enumType.Name} is not registered in {nameof(ModelTypes)}; add Enum<{enumType.Name}>() there");

    /// <summary>A new empty <c>List&lt;T&gt;</c> of <paramref name="itemType"/>.</summary>
    internal static IList NewList(Type itemType) =>
        Lists.TryGetValue(itemType, out var create)
            ? create()
            : throw new InvalidOperationException($"no list factory for {itemType.Name}; add List<{itemType.Name}>() to {nameof(ModelTypes)}");

    private static void Model<[DynamicallyAccessedMembers(ModelMembers)] T>()
        where T : class =>
        Models.Add(typeof(T), static () => new ModelDescriptor(typeof(T)));

    private static void Enum<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] T>()
        where T : struct, Enum
    {
        IReadOnlyList<(string Name, object Value)>? names = null;
        Enums.Add(typeof(T), () => names ??=
        [
            .. typeof(T).GetFields(BindingFlags.Public | BindingFlags.Static)
                .Select(f => (f.GetCustomAttribute<EnumMemberAttribute>()?.Value ?? f.Name.ToLowerInvariant(), (object)System.Enum.Parse<T>(f.Name))),
        ]);
    }

    private static void List<T>() => Lists.Add(typeof(T), static () => new List<T>());
}
