using System.Globalization;
using System.Text.RegularExpressions;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Resources;
using Dstack.Runtime.Yaml;

namespace Dstack.Runtime.Configuration.Binding;

/// <summary>Readers for durations, retry, env, ports, volumes and the other values with several written forms.</summary>
public sealed partial class ModelBinder
{
    private const int MaxPort = 65535;

    private string? ReadPython(YamlNode node, string path)
    {
        if (node is not YamlScalar { Kind: not ScalarKind.Bool } scalar)
        {
            WrongType(node, path, $"a Python version: {string.Join(", ", PythonVersionAttribute.Supported)}");
            return null;
        }

        // PyYAML reads 3.10 as the float 3.1, and dstack maps 3.1 back to "3.10"; we keep the text, so both arrive here.
        var version = scalar.Value.Trim() == "3.1" ? "3.10" : scalar.Value.Trim();
        if (!PythonVersionAttribute.Supported.Contains(version))
        {
            throw ValueException.Error(
                DiagnosticCodes.InvalidPython,
                $"Python {scalar.Value} is not supported; use one of {string.Join(", ", PythonVersionAttribute.Supported)} (write it quoted, such as \"3.11\")");
        }

        return version;
    }

    private object? ReadDuration(YamlNode node, string path, DurationFormsAttribute? forms)
    {
        var allowOff = forms?.AllowOff ?? false;
        var allowBool = forms?.AllowBool ?? false;
        var offHint = allowOff ? " or off" : string.Empty;
        if (node is not YamlScalar scalar)
        {
            WrongType(node, path, $"a duration such as 90 (seconds), 30m, 2h, 1d{offHint}");
            return null;
        }

        if (scalar.Kind == ScalarKind.Bool)
        {
            var isOffWord = scalar.Value.Equals("off", StringComparison.OrdinalIgnoreCase);
            if (isOffWord && allowOff)
            {
                return Duration.Off;
            }

            if (allowBool)
            {
                // true means "the default", which is what leaving the property unset gives.
                return scalar.TryGetBool(out var on) && on ? null : Duration.Off;
            }

            throw ValueException.Error(DiagnosticCodes.InvalidDuration, $"Cannot parse the duration {scalar.Value}; write a duration such as 90 (seconds), 30m, 2h, 1d{offHint}");
        }

        if (scalar.TryGetInt64(out var seconds))
        {
            return seconds >= 0 ? new Duration(seconds) : throw ValueException.Error(DiagnosticCodes.InvalidDuration, $"`{scalar.Value}` is a negative duration; write a number of seconds from 0, or 30m, 2h, 1d{offHint}");
        }

        var text = scalar.Value.Trim();
        if (text == "off" && allowOff)
        {
            return Duration.Off;
        }

        var match = DurationPattern().Match(text);
        if (match.Success)
        {
            var amount = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            var unit = match.Groups[2].Value switch
            {
                "s" => 1L,
                "m" => 60L,
                "h" => 3600L,
                "d" => 86400L,
                _ => 604800L,
            };
            return new Duration(checked(amount * unit));
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var plain))
        {
            return new Duration(plain);
        }

        var hint = text switch
        {
            _ when text == "off" => "`off` is not allowed here; give a duration",
            _ when Regex.IsMatch(text, "^[0-9]+ *[SMHDW]$") => $"units are lower-case: write {text.ToLowerInvariant().Replace(" ", string.Empty, StringComparison.Ordinal)}",
            _ when Regex.IsMatch(text, "^[0-9]+[smhdw][0-9]+[smhdw]") => "one unit only: write, for example, 90m instead of 1h30m",
            _ when Regex.IsMatch(text, @"^[0-9]*\.[0-9]+ *[smhdw]$") => "whole numbers only: write, for example, 90m instead of 1.5h",
            _ => $"write a number of seconds, or a whole number with s, m, h, d or w (30m, 2h, 1d){offHint}",
        };
        throw ValueException.Error(DiagnosticCodes.InvalidDuration, $"Cannot parse the duration {text}; {hint}");
    }

    private RetrySpec? ReadRetry(YamlNode node, string path)
    {
        if (node is YamlScalar { Kind: ScalarKind.Bool } flag && flag.TryGetBool(out var on))
        {
            return on ? RetrySpec.AllEvents : RetrySpec.Disabled;
        }

        if (node is not YamlMapping mapping)
        {
            WrongType(node, path, "true, false, or {on_events: [...], duration: ...}");
            return null;
        }

        var retry = (RetrySpec?)BindObject(typeof(RetrySpec), mapping, path);
        // Only a list written empty; a list whose items were all rejected has been reported already.
        if (retry is not null && mapping.Find("on_events") is { Value: YamlSequence { Items.Count: 0 } } events)
        {
            _diagnostics.Error(DiagnosticCodes.InvalidRetry, events.Value.Span, $"{path}.on_events: `on_events` cannot be empty; list one or more of no-capacity, interruption, error (or write `retry: false`)");
            return null;
        }

        return retry;
    }

    private EnvVariables? ReadEnv(YamlNode node, string path)
    {
        var variables = new List<EnvVariable>();
        switch (node)
        {
            case YamlSequence sequence:
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var item in sequence.Items)
                {
                    if (item is not YamlScalar { Kind: not ScalarKind.Null } scalar)
                    {
                        WrongType(item, path, "NAME=value or NAME");
                        continue;
                    }

                    var equals = scalar.Value.IndexOf('=', StringComparison.Ordinal);
                    var name = equals < 0 ? scalar.Value : scalar.Value[..equals];
                    if (!CheckEnvName(name, scalar, 0, path))
                    {
                        continue;
                    }

                    if (!seen.Add(name))
                    {
                        _diagnostics.Error(DiagnosticCodes.DuplicateEnv, scalar.Span, $"{path}: Duplicate environment variable: {scalar.Value}; `{name}` is already set above: remove one");
                        continue;
                    }

                    var variable = new EnvVariable(name, equals < 0 ? null : scalar.Value[(equals + 1)..]);
                    SourceMap.Record(variable, scalar);
                    variables.Add(variable);
                }

                break;
            case YamlMapping mapping:
                foreach (var entry in mapping.Entries)
                {
                    if (!CheckEnvName(entry.Key.Value, entry.Key, 0, path))
                    {
                        continue;
                    }

                    string? value;
                    switch (entry.Value)
                    {
                        case YamlScalar { IsNull: true }:
                            value = null;
                            break;
                        case YamlScalar scalar:
                            value = scalar.Value;
                            break;
                        default:
                            WrongType(entry.Value, $"{path}.{entry.Key.Value}", "a string value (or nothing, to require the variable at run time)");
                            continue;
                    }

                    var variable = new EnvVariable(entry.Key.Value, value);
                    SourceMap.Record(variable, entry.Key);
                    variables.Add(variable);
                }

                break;
            default:
                WrongType(node, path, "a list of NAME=value items or a mapping of NAME: value");
                return null;
        }

        return new EnvVariables(variables);
    }

    private bool CheckEnvName(string name, YamlScalar scalar, int offset, string path)
    {
        if (EnvNamePattern().IsMatch(name))
        {
            return true;
        }

        var fixedName = Regex.Replace(name, "[^A-Za-z0-9_]", "_");
        if (fixedName.Length == 0 || char.IsAsciiDigit(fixedName[0]))
        {
            fixedName = "_" + fixedName;
        }

        var text = name.Length == 0 ? "an empty name" : $"`{name}`";
        _diagnostics.Error(
            DiagnosticCodes.InvalidEnvName,
            scalar.SpanOf(offset, Math.Max(1, name.Length)),
            $"{path}: {text} is not a valid variable name; names start with a letter or _ and hold only letters, digits and _ (the same rule for lists and mappings): write {fixedName}");
        return false;
    }

    private PortMapping? ReadPort(YamlNode node, string path, int? defaultLocalPort)
    {
        switch (node)
        {
            case YamlScalar { Kind: ScalarKind.Int } scalar when !scalar.Value.Contains(':', StringComparison.Ordinal) && scalar.TryGetInt64(out var port):
                var container = CheckPort(port, scalar.Value, 0, scalar.Value.Length);
                return new PortMapping(defaultLocalPort ?? container, container);
            case YamlScalar { Kind: ScalarKind.Int or ScalarKind.Float or ScalarKind.String } scalar:
                if (scalar.IsPlain && Yaml11.IsSexagesimal(scalar.Value))
                {
                    _diagnostics.Warning(
                        DiagnosticCodes.Yaml11Trap,
                        scalar.Span,
                        $"{path}: YAML 1.1 reads an unquoted `{scalar.Value}` as a base-60 number; it is read here as the mapping {scalar.Value} it looks like: quote it (\"{scalar.Value}\")");
                }

                return ParsePortText(scalar.Value.Trim(), defaultLocalPort);
            case YamlMapping mapping:
                return ReadPortObject(mapping, path);
            default:
                WrongType(node, path, "a port such as 8080, \"80:8080\", \"*:8080\", or {local_port, container_port}");
                return null;
        }
    }

    private static PortMapping ParsePortText(string text, int? defaultLocalPort)
    {
        if (PortNumberPattern().IsMatch(text))
        {
            var container = CheckPort(long.Parse(text, CultureInfo.InvariantCulture), text, 0, text.Length);
            return new PortMapping(defaultLocalPort ?? container, container);
        }

        if (!PortMappingPattern().IsMatch(text))
        {
            throw ValueException.Error(
                DiagnosticCodes.InvalidPort,
                $"`{text}` is not a port mapping; write 8080, \"LOCAL:CONTAINER\" such as \"80:8080\", or \"*:8080\" for any free local port");
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var localText = text[..colon];
        var containerText = text[(colon + 1)..];
        int? local = localText == "*" ? null : CheckPort(ParseLong(localText), localText, 0, localText.Length);
        var containerPort = CheckPort(ParseLong(containerText), containerText, colon + 1, containerText.Length);
        return new PortMapping(local, containerPort);
    }

    private static long ParseLong(string digits) => long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : long.MaxValue;

    private PortMapping? ReadPortObject(YamlMapping mapping, string path)
    {
        int? local = null;
        int? container = null;
        var ok = true;
        foreach (var entry in mapping.Entries)
        {
            var key = entry.Key.Value;
            if (key is not ("local_port" or "container_port"))
            {
                _diagnostics.Error(DiagnosticCodes.UnknownProperty, entry.Key.Span, $"unknown property `{path}.{key}`; a port object has `local_port` and `container_port`");
                ok = false;
                continue;
            }

            if (entry.Value is YamlScalar { IsNull: true } && key == "local_port")
            {
                continue;
            }

            try
            {
                var value = ReadInt(entry.Value, $"{path}.{key}", null) is int n ? CheckPort(n, ((YamlScalar)entry.Value).Value, -1, 0) : (int?)null;
                ok &= value is not null;
                if (key == "local_port")
                {
                    local = value;
                }
                else
                {
                    container = value;
                }
            }
            catch (ValueException e)
            {
                Report(e.Issue, entry.Value, $"{path}.{key}");
                ok = false;
            }
        }

        if (ok && container is null)
        {
            _diagnostics.Error(DiagnosticCodes.MissingProperty, StartOf(mapping), $"{path}: `container_port` is required; add, for example, `container_port: 8080`");
            return null;
        }

        return ok ? new PortMapping(local, container!.Value) : null;
    }

    private static int CheckPort(long port, string text, int offset, int length) => port is > 0 and <= MaxPort
        ? (int)port
        : throw ValueException.Error(DiagnosticCodes.InvalidPort, $"port {text} is out of range; ports are 1 to {MaxPort}", offset, length);

    private VolumeMount? ReadVolume(YamlNode node, string path)
    {
        switch (node)
        {
            case YamlScalar { Kind: ScalarKind.String } scalar:
                var parts = scalar.Value.Split(':');
                if (parts.Length != 2)
                {
                    throw ValueException.Error(DiagnosticCodes.InvalidVolume, $"invalid mount point format: {scalar.Value}; write NAME:/path for a network volume or /instance/path:/path for a folder of the instance");
                }

                var target = CheckVolumePath(parts[1], parts[0].Length + 1);
                return parts[0].Contains('/', StringComparison.Ordinal)
                    ? new InstanceVolumeMount(CheckVolumePath(parts[0], 0, instance: true), target, false)
                    : parts[0].Length == 0
                        ? throw ValueException.Error(DiagnosticCodes.InvalidVolume, $"the volume name is empty in `{scalar.Value}`; write NAME:/path", 0, 0)
                        : new NetworkVolumeMount([parts[0]], target);
            case YamlMapping mapping:
                return ReadVolumeObject(mapping, path);
            default:
                WrongType(node, path, "a volume such as my-volume:/data, /host/dir:/data, or a mapping");
                return null;
        }
    }

    private VolumeMount? ReadVolumeObject(YamlMapping mapping, string path)
    {
        var isInstance = mapping.Find("instance_path") is not null;
        var allowed = isInstance ? new[] { "instance_path", "path", "optional" } : ["name", "path"];
        var values = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var entry in mapping.Entries)
        {
            if (!allowed.Contains(entry.Key.Value))
            {
                var hint = DidYouMean.Find(entry.Key.Value, allowed) is { } g ? $"did you mean `{g}`?" : $"allowed: {string.Join(", ", allowed)}";
                _diagnostics.Error(DiagnosticCodes.UnknownProperty, entry.Key.Span, $"unknown property `{path}.{entry.Key.Value}` for {(isInstance ? "an instance" : "a network")} volume; {hint}");
                continue;
            }

            values[entry.Key.Value] = entry.Value;
        }

        string? Required(string key)
        {
            if (!values.TryGetValue(key, out var node))
            {
                _diagnostics.Error(DiagnosticCodes.MissingProperty, StartOf(mapping), $"{path}: `{key}` is required for {(isInstance ? "an instance" : "a network")} volume");
                return null;
            }

            return ReadVolumePath(node, $"{path}.{key}", key == "instance_path");
        }

        var target = Required("path");
        if (isInstance)
        {
            var source = Required("instance_path");
            var optional = values.TryGetValue("optional", out var o) && ReadBool(o, $"{path}.optional") is true;
            return source is null || target is null ? null : new InstanceVolumeMount(source, target, optional);
        }

        if (!values.TryGetValue("name", out var nameNode))
        {
            _diagnostics.Error(DiagnosticCodes.MissingProperty, StartOf(mapping), $"{path}: `name` is required for a network volume (or give `instance_path` for a folder of the instance)");
            return null;
        }

        var names = nameNode is YamlSequence ? (IReadOnlyList<string>?)ReadList(typeof(string), nameNode, $"{path}.name", null) : ReadString(nameNode, $"{path}.name") is { } one ? [one] : null;
        return names is null || target is null ? null : new NetworkVolumeMount(names, target);
    }

    private string? ReadVolumePath(YamlNode node, string path, bool instance)
    {
        try
        {
            return ReadString(node, path) is { } text ? CheckVolumePath(text, 0, instance) : null;
        }
        catch (ValueException e)
        {
            Report(e.Issue, node, path);
            return null;
        }
    }

    private static string CheckVolumePath(string text, int offset, bool instance = false)
    {
        if (text.Length == 0)
        {
            throw ValueException.Error(DiagnosticCodes.InvalidVolume, "empty path; write an absolute path such as /data", offset, 0);
        }

        if (!text.StartsWith('/'))
        {
            throw ValueException.Error(DiagnosticCodes.InvalidVolume, $"path must be absolute: {text}; write /{text.TrimStart('.', '/')}", offset, text.Length);
        }

        var segments = text.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToList();
        if (segments.Contains(".."))
        {
            throw ValueException.Error(DiagnosticCodes.InvalidVolume, $".. are not allowed: {text}; write the path without `..`", offset, text.Length);
        }

        var normalized = "/" + string.Join('/', segments);
        if (!instance && (normalized == "/workflow" || normalized.StartsWith("/workflow/", StringComparison.Ordinal)))
        {
            throw ValueException.Error(DiagnosticCodes.InvalidVolume, $"`{normalized}` is inside /workflow, where the repository is placed; mount the volume elsewhere, such as /data", offset, text.Length);
        }

        return normalized;
    }

    private FileMapping? ReadFileMapping(YamlNode node, string path)
    {
        if (node is YamlMapping mapping)
        {
            var local = mapping.Find("local_path");
            var target = mapping.Find("path");
            foreach (var entry in mapping.Entries.Where(e => e.Key.Value is not ("local_path" or "path")))
            {
                _diagnostics.Error(DiagnosticCodes.UnknownProperty, entry.Key.Span, $"unknown property `{path}.{entry.Key.Value}`; a files entry has `local_path` and `path`");
            }

            if (local is null)
            {
                _diagnostics.Error(DiagnosticCodes.MissingProperty, StartOf(mapping), $"{path}: `local_path` is required");
                return null;
            }

            var localText = ReadString(local.Value, $"{path}.local_path");
            var targetText = target is null ? null : ReadString(target.Value, $"{path}.path");
            return localText is null ? null : new FileMapping(localText, targetText);
        }

        if (ReadString(node, path) is not { } text)
        {
            return null;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var localPath = colon < 0 ? text : text[..colon];
        var containerPath = colon < 0 ? null : text[(colon + 1)..];
        if (localPath.Length == 0 || containerPath is { Length: 0 } || containerPath?.Contains(':', StringComparison.Ordinal) == true)
        {
            throw ValueException.Error(DiagnosticCodes.InvalidFiles, $"`{text}` is not a files entry; write local/path or local/path:/container/path");
        }

        return new FileMapping(localPath, containerPath);
    }

    private GatewayChoice? ReadGateway(YamlNode node, string path)
    {
        if (node is YamlScalar { Kind: ScalarKind.Bool } flag && flag.TryGetBool(out var on))
        {
            return on
                ? throw ValueException.Error(DiagnosticCodes.InvalidService, "The `gateway` property must be a string or boolean `false`, not boolean `true`; write a gateway name, or remove the line to use the default gateway")
                : GatewayChoice.None;
        }

        return ReadString(node, path) is { } name ? new GatewayChoice(name) : null;
    }

    private ServiceModel? ReadServiceModel(YamlNode node, string path) => node is YamlScalar { Kind: not ScalarKind.Null } scalar
        ? new ServiceModel { Name = scalar.Value }
        : (ServiceModel?)BindObject(typeof(ServiceModel), node, path);

    [GeneratedRegex("^([0-9]+) *([smhdw])$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex EnvNamePattern();

    [GeneratedRegex("^[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex PortNumberPattern();

    [GeneratedRegex(@"^(?:[0-9]+|\*):[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex PortMappingPattern();
}
