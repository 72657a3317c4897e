using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Yaml;

namespace Dstack.Runtime.Backends;

/// <summary>
/// The scalar, boolean and mapping values of a config.yml backend entry (aws, gcp, azure), each problem a DSTK3019 at
/// its place; <c>valid</c> turns false on the first.
/// </summary>
internal static class BackendEntryValues
{
    public static string? Text(YamlMapping mapping, string key, DiagnosticBag diagnostics, ref bool valid)
    {
        var node = mapping[key];
        if (node is null || node is YamlScalar { IsNull: true })
        {
            return null;
        }

        if (node is YamlScalar { Value.Length: > 0 } scalar)
        {
            return scalar.Value;
        }

        diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, node.Span, $"{key} is {node.Describe()}; it must be a non-empty string");
        valid = false;
        return null;
    }

    public static bool Bool(YamlMapping mapping, string key, bool fallback, DiagnosticBag diagnostics, ref bool valid)
    {
        var node = mapping[key];
        if (node is null || node is YamlScalar { IsNull: true })
        {
            return fallback;
        }

        if (node is YamlScalar scalar && scalar.TryGetBool(out var value))
        {
            return value;
        }

        diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, node.Span, $"{key} is {node.Describe()}; it must be true or false");
        valid = false;
        return fallback;
    }

    public static IReadOnlyDictionary<string, string> Map(YamlMapping mapping, string key, string shape, DiagnosticBag diagnostics, ref bool valid)
    {
        var node = mapping[key];
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is null || node is YamlScalar { IsNull: true })
        {
            return result;
        }

        if (node is not YamlMapping map)
        {
            diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, node.Span, $"{key} is {node.Describe()}; it must be {shape}");
            valid = false;
            return result;
        }

        foreach (var item in map.Entries)
        {
            if (item.Value is YamlScalar { IsNull: false } value)
            {
                result[item.Key.Value] = value.Value;
            }
            else
            {
                diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, item.Value.Span, $"{key}.{item.Key.Value} must be a string value; {shape}");
                valid = false;
            }
        }

        return result;
    }
}
