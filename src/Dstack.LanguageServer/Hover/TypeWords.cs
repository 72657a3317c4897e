using Dstack.LanguageServer.Editing;
using Dstack.Runtime.Configuration.Binding;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Resources;

namespace Dstack.LanguageServer.Hover;

/// <summary>What a property takes, in words: "a size or a range of sizes", "a list of strings", "one of: spot, on-demand, auto".</summary>
public static class TypeWords
{
    public static string Of(PropertyDescriptor property)
    {
        if (property.YamlName == "type" && property.Property.DeclaringType == typeof(RunConfiguration))
        {
            return $"one of: {string.Join(", ", ModelDescriptor.RunConfigurationTypes.Keys)}";
        }

        if (property.IsPythonVersion)
        {
            return $"a Python version: {string.Join(", ", PythonVersionAttribute.Supported)}";
        }

        if (property.DurationForms is { } forms)
        {
            return "a duration: seconds (90) or 30s, 30m, 2h, 1d, 1w" + (forms.AllowOff ? ", or off" : string.Empty);
        }

        var type = property.ValueType;
        if (ModelPath.ItemTypeOf(type) is { } item && type != typeof(EnvVariables))
        {
            var items = Of(item, plural: true);
            return property.IsSingleOrList ? $"{Of(item, plural: false)}, or a list of {items}" : $"a list of {items}";
        }

        return Of(type, plural: false);
    }

    private static string Of(Type type, bool plural) => type switch
    {
        _ when type == typeof(string) => plural ? "strings" : "a string",
        _ when type == typeof(bool) => plural ? "booleans" : "a boolean: true or false",
        _ when type == typeof(int) => plural ? "whole numbers" : "a whole number",
        _ when type == typeof(double) => plural ? "numbers" : "a number",
        _ when type.IsEnum => (plural ? "values, each one of: " : "one of: ") + string.Join(", ", ModelBinder.EnumNames(type).Select(n => n.Name)),
        _ when type == typeof(Range<int>) => "a count or a range of counts (2, 1..4, 2..)",
        _ when type == typeof(Range<Memory>) => "a size or a range of sizes (16GB, 8GB.., 24GB..80GB)",
        _ when type == typeof(Memory) => "a size (16GB, 512MB)",
        _ when type == typeof(GpuSpec) => "a GPU spec: tokens such as A100:80GB:2 or 24GB..:1..2, a count, or a mapping",
        _ when type == typeof(DiskSpec) => "a size or a range of sizes (100GB.., 200GB..1TB), or {size: ...}",
        _ when type == typeof(ComputeCapability) => "a compute capability (MAJOR.MINOR, such as 8.0)",
        _ when type == typeof(RetrySpec) => "true, false, or a mapping {on_events, duration}",
        _ when type == typeof(EnvVariables) => "a list of NAME=value (or NAME) items, or a mapping of NAME: value",
        _ when type == typeof(PortMapping) => plural ? "ports (8080, \"80:8080\", \"*:8080\", or {local_port, container_port})" : "a port (8080, \"80:8080\", \"*:8080\", or {local_port, container_port})",
        _ when type == typeof(VolumeMount) => plural ? "volumes (name:/path, /instance/path:/path, or mappings)" : "a volume (name:/path, /instance/path:/path, or a mapping)",
        _ when type == typeof(FileMapping) => plural ? "file mappings (local/path or local/path:/container/path)" : "a file mapping (local/path or local/path:/container/path)",
        _ when type == typeof(GatewayChoice) => "a gateway name, or false for none",
        _ when type == typeof(ServiceModel) => "a model name, or a mapping whose `format` decides its keys: {name, format: openai, prefix} or {name, format: tgi, chat_template, eos_token}",
        _ when ModelPath.IsModel(type) => (plural ? "mappings" : "a mapping") + " of " + string.Join(", ", ModelDescriptor.For(type).Properties.Select(p => p.YamlName)),
        _ => plural ? "mappings" : "a mapping",
    };
}
