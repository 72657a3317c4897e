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

    /// <summary>
    /// The <c>regions</c> list: null when it is left out; else the names <paramref name="isRegion"/> accepts, each
    /// other item a problem with <paramref name="notARegion"/>'s text (given the item as shown, and its text if it has one).
    /// </summary>
    /// <param name="node">The <c>regions</c> value.</param>
    /// <param name="shape">What the list must be, such as <c>a list of AWS regions, such as [us-east-1, eu-west-1]</c>.</param>
    /// <param name="isRegion">Whether a name is one of the cloud's regions, as it writes them.</param>
    /// <param name="notARegion">The problem of an item that is not: the value, the rule and the fix.</param>
    /// <param name="diagnostics">Where problems go.</param>
    /// <param name="valid">Turns false on the first problem.</param>
    public static IReadOnlyList<string>? Regions(YamlNode? node, string shape, Func<string, bool> isRegion, Func<string, string?, string> notARegion, DiagnosticBag diagnostics, ref bool valid)
    {
        if (node is null || node is YamlScalar { IsNull: true })
        {
            return null;
        }

        if (node is not YamlSequence list || list.Items.Count == 0)
        {
            diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, node.Span, $"regions is {node.Describe()}; it must be {shape} (leave it out for every region)");
            valid = false;
            return null;
        }

        var regions = new List<string>();
        foreach (var item in list.Items)
        {
            var text = item is YamlScalar { IsNull: false } scalar ? scalar.Value : null;
            if (text is not null && isRegion(text))
            {
                regions.Add(text);
                continue;
            }

            diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, item.Span, notARegion(text ?? item.Describe(), text));
            valid = false;
        }

        return regions;
    }

    /// <summary>
    /// The <c>creds</c> mapping and its <c>type</c>: null, with the problem reported, when creds is left out
    /// (<paramref name="missing"/>, at the entry) or is not a mapping (<paramref name="shape"/>: what it must be).
    /// </summary>
    public static (YamlMapping Mapping, YamlScalar? Type)? Creds(YamlMapping node, BackendEntry entry, string missing, string shape, DiagnosticBag diagnostics, ref bool valid)
    {
        var creds = node["creds"];
        if (creds is null || creds is YamlScalar { IsNull: true })
        {
            diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, entry.Span, missing);
            valid = false;
            return null;
        }

        if (creds is not YamlMapping mapping)
        {
            diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, creds.Span, $"creds is {creds.Describe()}; it must be {shape}");
            valid = false;
            return null;
        }

        return (mapping, mapping["type"] as YamlScalar);
    }

    /// <summary>Each key of <paramref name="mapping"/> that <paramref name="known"/> refuses is a problem with <paramref name="problem"/>'s text for it.</summary>
    public static void UnknownKeys(YamlMapping mapping, Func<string, bool> known, Func<string, string> problem, DiagnosticBag diagnostics, ref bool valid)
    {
        foreach (var extra in mapping.Entries.Where(e => !known(e.Key.Value)))
        {
            diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, extra.Key.Span, problem(extra.Key.Value));
            valid = false;
        }
    }

    /// <summary>The problem of a creds type that is not one of the cloud's: missing, or named, and <paramref name="fix"/>.</summary>
    public static void UnknownCredsType(YamlMapping mapping, YamlScalar? type, string fix, DiagnosticBag diagnostics, ref bool valid)
    {
        diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, type?.Span ?? mapping.Span, $"creds type is {(type is null ? "missing" : $"`{type.Value}`")}; {fix}");
        valid = false;
    }
}
