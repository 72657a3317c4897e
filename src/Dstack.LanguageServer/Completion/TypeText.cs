using Dstack.LanguageServer.Editing;
using Dstack.Runtime.Configuration.Binding;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Resources;

namespace Dstack.LanguageServer.Completion;

/// <summary>A key's value type in the words of the configuration reference, for the one-line detail beside the key.</summary>
public static class TypeText
{
    /// <summary>Such as <c>spot | on-demand | auto, default on-demand</c>, <c>duration or off, default 5m</c>, <c>GPU spec</c>.</summary>
    public static string Of(PropertyDescriptor property)
    {
        var text = property switch
        {
            { DurationForms: { AllowOff: true } } => "duration or off",
            { DurationForms: not null } => "duration",
            { IsPythonVersion: true } => "\"3.9\" to \"3.13\"",
            _ => Of(property.ValueType),
        };
        if (property.IsRequired)
        {
            text += ", required";
        }

        return property.DefaultText is { Length: > 0 } value ? $"{text}, default {value}" : text;
    }

    public static string Of(Type type) => type switch
    {
        _ when type == typeof(string) => "string",
        _ when type == typeof(bool) => "true | false",
        _ when type == typeof(int) || type == typeof(long) => "integer",
        _ when type == typeof(double) => "number",
        _ when type.IsEnum => string.Join(" | ", EnumSpellings.Of(type)),
        _ when type == typeof(Range<int>) => "count or range (2, 2..8, 2..)",
        _ when type == typeof(Range<Memory>) || type == typeof(DiskSpec) => "size or range (16GB, 16GB..)",
        _ when type == typeof(Memory) => "size (16GB)",
        _ when type == typeof(GpuSpec) => "GPU spec (A100:80GB:2) or object",
        _ when type == typeof(ResourcesSpec) => "resources",
        _ when type == typeof(PortMapping) => "port (8080, \"80:8080\")",
        _ when type == typeof(EnvVariables) => "list (NAME=value) or mapping",
        _ when type == typeof(VolumeMount) => "volume (name:/path)",
        _ when type == typeof(RetrySpec) => "true | false | {on_events, duration}",
        _ when type == typeof(GatewayChoice) => "gateway name or false",
        _ when type == typeof(ComputeCapability) => "compute capability (8.0)",
        _ when ModelPath.ItemTypeOf(type) is { } item => $"list of {Of(item)}",
        _ => "object",
    };
}
