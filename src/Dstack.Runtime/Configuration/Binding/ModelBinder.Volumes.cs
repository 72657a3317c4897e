using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Resources;
using Dstack.Runtime.Yaml;

namespace Dstack.Runtime.Configuration.Binding;

/// <summary>Readers for volumes (short and object forms) and <c>files</c> entries.</summary>
public sealed partial class ModelBinder
{
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
}
