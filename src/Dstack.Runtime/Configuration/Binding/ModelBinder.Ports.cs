using System.Globalization;
using System.Text.RegularExpressions;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Resources;
using Dstack.Runtime.Yaml;

namespace Dstack.Runtime.Configuration.Binding;

/// <summary>Readers for ports: <c>8080</c>, <c>"80:8080"</c>, <c>"*:8080"</c> and <c>{local_port, container_port}</c>.</summary>
public sealed partial class ModelBinder
{
    private const int MaxPort = 65535;

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
                        $"{path}: YAML 1.1 reads an unquoted `{scalar.Value}` as a base-60 number; it is read here as the mapping {scalar.Value} it looks like: quote it (\"{scalar.Value}\")",
                        new Suggestion(scalar.Span, $"\"{scalar.Value}\""));
                }

                var text = scalar.Value.Trim();
                if (defaultLocalPort is not null && !PortNumberPattern().IsMatch(text) && !ServicePortPattern().IsMatch(text))
                {
                    // A service's port (the one property with a default local port) takes no "*:": dstack's pattern is digits:digits.
                    throw ValueException.Error(
                        DiagnosticCodes.InvalidPort,
                        $"`{text}` is not a service port{(text.StartsWith("*:", StringComparison.Ordinal) ? " (`*`, any free local port, is for the `ports` of tasks and dev environments)" : string.Empty)}; write the container port (8000, published as {defaultLocalPort}), \"LOCAL:CONTAINER\" such as \"{defaultLocalPort}:8000\", or {{container_port: 8000}}");
                }

                return ParsePortText(text, defaultLocalPort);
            case YamlMapping mapping:
                return ReadPortObject(mapping, path);
            default:
                WrongType(node, path, "a port such as 8080, \"80:8080\", \"*:8080\", or {local_port, container_port}");
                return null;
        }
    }

    /// <summary>Parses a port mapping as written on the command line (<c>-p 8080</c>, <c>-p 80:8080</c>, <c>-p "*:8080"</c>); throws <see cref="ValueException"/> otherwise.</summary>
    public static PortMapping ParsePortMapping(string text) => ParsePortText(text.Trim(), null);

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

    [GeneratedRegex("^[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex PortNumberPattern();

    [GeneratedRegex("^[0-9]+:[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex ServicePortPattern();

    [GeneratedRegex(@"^(?:[0-9]+|\*):[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex PortMappingPattern();
}
