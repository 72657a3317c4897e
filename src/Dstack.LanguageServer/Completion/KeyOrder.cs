using Dstack.Runtime.Configuration.Binding;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Resources;

namespace Dstack.LanguageServer.Completion;

/// <summary>
/// The order of keys in the list, as sort text <c>{group}{index:000}</c>. Groups: 0 <c>type</c> of a run
/// configuration; 1 required keys; 2 the keys most files use, in the order of <see cref="Common"/>; 3 every other key
/// in the model's order (a type's own keys, then the profile parameters); 4 deprecated keys, last.
/// </summary>
public static class KeyOrder
{
    /// <summary>The keys most files write, by the model type they belong to, most used first.</summary>
    private static readonly Dictionary<Type, string[]> Common = new()
    {
        [typeof(TaskConfiguration)] = ["commands", "resources", "python", "ports", "env", "image", "name", "nodes"],
        [typeof(DevEnvironmentConfiguration)] = ["resources", "python", "init", "ports", "env", "image", "name"],
        [typeof(ServiceConfiguration)] = ["commands", "resources", "python", "port", "env", "image", "name", "model"],
        [typeof(ResourcesSpec)] = ["gpu", "memory", "cpu", "disk", "shm_size"],
        [typeof(GpuSpec)] = ["name", "count", "memory"],
        [typeof(Profile)] = ["default", "spot_policy", "backends", "max_price", "max_duration"],
        [typeof(Workflow)] = ["provider", "commands", "python", "resources", "env"],
        [typeof(RetrySpec)] = ["on_events", "duration"],
    };

    /// <summary>
    /// The sort text of <paramref name="key"/>, at <paramref name="index"/> in the model's order of the keys offered
    /// from <paramref name="owners"/>. Required keys come first only when every owner requires them (a run file
    /// without <c>type</c> offers the keys of all three types, and <c>ide</c> is only a dev environment's).
    /// </summary>
    public static string Of(PropertyDescriptor key, int index, IReadOnlyList<Type> owners)
    {
        var isRunRoot = owners.Count > 0 && owners.All(t => t.IsAssignableTo(typeof(RunConfiguration)));
        var common = owners.Select(t => Common.GetValueOrDefault(t)).FirstOrDefault(c => c is not null) ??
            (isRunRoot ? Common[typeof(TaskConfiguration)] : []);
        var commonIndex = Array.IndexOf(common, key.YamlName);
        var (group, rank) = key switch
        {
            { YamlName: "type" } when isRunRoot => (0, 0),
            { DeprecatedAdvice: not null } => (4, index),
            { IsRequired: true } when owners.All(t => ModelDescriptor.For(t).Find(key.YamlName)?.IsRequired == true) => (1, index),
            _ when commonIndex >= 0 => (2, commonIndex),
            _ => (3, index),
        };
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{group}{rank:D3}");
    }
}
