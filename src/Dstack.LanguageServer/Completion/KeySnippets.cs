using Dstack.LanguageServer.Editing;
using Dstack.Runtime.Configuration.Binding;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Resources;

namespace Dstack.LanguageServer.Completion;

/// <summary>
/// What a key inserts when its value is a block: the key's line, then the lines below it indented relative to the key
/// (two spaces per level), with tab stops. Scalar keys (and keys whose value is usually written on the key's line,
/// such as <c>gpu: A100</c>) have none and insert <c>key: </c>.
/// </summary>
public static class KeySnippets
{
    /// <summary>Lists whose items are shell commands: written as block lists, one command per line.</summary>
    private static readonly HashSet<string> CommandLists = new(StringComparer.Ordinal) { "commands", "init", "setup", "build" };

    /// <summary>Model types written on the key's line more often than as a mapping.</summary>
    private static readonly HashSet<Type> InlineModels = [typeof(GpuSpec), typeof(DiskSpec), typeof(ServiceModel)];

    /// <summary>The snippet lines of <paramref name="key"/>, the first being <c>key: ...</c>; null for a key written <c>key: value</c>.</summary>
    public static IReadOnlyList<string>? Of(PropertyDescriptor key)
    {
        var name = key.YamlName;
        var type = key.ValueType;
        var item = ModelPath.ItemTypeOf(type);
        return type switch
        {
            _ when type == typeof(ResourcesSpec) => [$"{name}:", "  gpu: ${1:24GB..}"],
            _ when type == typeof(RetrySpec) => [$"{name}:", "  on_events: [${1:no-capacity, interruption, error}]", "  duration: ${2:1h}"],
            _ when type == typeof(RegistryAuth) => [$"{name}:", "  username: ${1:user}", "  password: \\${{ env.${2:REGISTRY_PASSWORD} }}"],
            _ when type == typeof(EnvVariables) => [$"{name}:", "  - ${1:NAME}=${2:value}"],
            _ when item == typeof(PortMapping) => [$"{name}:", "  - ${1:8080}"],
            _ when item == typeof(VolumeMount) => [$"{name}:", "  - ${1:my-volume}:${2:/data}"],
            _ when item == typeof(FileMapping) => [$"{name}:", "  - ${1:./local/path}:${2:/container/path}"],
            _ when item == typeof(string) && CommandLists.Contains(name) => [$"{name}:", "  - $1"],
            _ when item is { IsEnum: true } => [$"{name}: [${{1|{string.Join(',', EnumSpellings.Of(item))}|}}]"],
            _ when item == typeof(string) => [$"{name}: [$1]"],
            _ when item is not null && ModelPath.IsModel(item) => [$"{name}:", .. ItemLines(item)],
            _ when ModelPath.IsModel(type) && !InlineModels.Contains(type) => [$"{name}:", .. BlockLines(type)],
            _ => null,
        };
    }

    private static IEnumerable<string> BlockLines(Type type)
    {
        var required = ModelDescriptor.For(type).Properties.Where(p => p.IsRequired).ToList();
        return required.Count == 0 ? ["  $1"] : required.Select((p, i) => $"  {p.YamlName}: ${i + 1}");
    }

    private static IEnumerable<string> ItemLines(Type type)
    {
        var first = ModelDescriptor.For(type).Properties.FirstOrDefault(p => p.IsRequired) ?? ModelDescriptor.For(type).Properties[0];
        return [$"  - {first.YamlName}: $1"];
    }
}
