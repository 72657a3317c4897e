using System.Globalization;
using System.Text.RegularExpressions;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Resources;
using Dstack.Runtime.Yaml;

namespace Dstack.Runtime.Configuration.Binding;

/// <summary>Readers for durations, retry, env, Python versions and the service values with several written forms.</summary>
public sealed partial class ModelBinder
{

    private string? ReadPython(YamlNode node, string path)
    {
        var supported = string.Join(", ", PythonVersionAttribute.Supported);
        if (node is not YamlScalar { Kind: not ScalarKind.Bool } scalar)
        {
            WrongType(node, path, $"a Python version: {supported}");
            return null;
        }

        // dstack takes a text as it is, and a float as Python's str() of it, with 3.1 read back as "3.10":
        // so the unquoted 3.10 (the float 3.1) is "3.10", and the quoted "3.1" is not a version.
        var version = scalar.Kind == ScalarKind.Float && scalar.TryGetDouble(out var number) ? PythonNumber.FloatRepr(number) : scalar.Value;
        if (scalar.Kind == ScalarKind.Float && version == "3.1")
        {
            version = "3.10";
        }

        if (PythonVersionAttribute.Supported.Contains(version))
        {
            return version;
        }

        var hint = scalar.Kind switch
        {
            ScalarKind.String when PythonVersionAttribute.Supported.Contains(scalar.Value.Trim()) => $"remove the spaces: write \"{scalar.Value.Trim()}\"",
            ScalarKind.String when scalar.Value.Trim() == "3.1" => "only the unquoted number 3.1 means 3.10; write \"3.10\"",
            ScalarKind.Float when version != scalar.Value => $"YAML reads `{scalar.Value}` as the number {version}; write one of {supported}, quoted, such as \"3.11\"",
            _ => $"use one of {supported} (write it quoted, such as \"3.11\")",
        };
        var shown = scalar.Quote is '"' or '\'' ? $"\"{scalar.Value}\"" : scalar.Value;
        throw ValueException.Error(DiagnosticCodes.InvalidPython, $"Python {shown} is not supported: '{version}' is not a valid PythonVersion; {hint}");
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

        return ParseDuration(scalar.Value, allowOff);
    }

    /// <summary>
    /// Parses a duration as written on the command line or in a file: seconds (<c>90</c>), or a whole number with
    /// s, m, h, d or w (<c>30m</c>), or <c>off</c> where <paramref name="allowOff"/>; throws <see cref="ValueException"/> otherwise.
    /// </summary>
    public static Duration ParseDuration(string value, bool allowOff)
    {
        var offHint = allowOff ? " or off" : string.Empty;
        var text = value.Trim();
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

    // As dstack's legacy policy does: a duration turns retrying on, whatever `retry` says.
    private RetryPolicy? ReadRetryPolicy(YamlNode node, string path)
    {
        var policy = (RetryPolicy?)BindObject(typeof(RetryPolicy), node, path);
        if (policy is not { Duration: not null, Retry: false })
        {
            return policy;
        }

        var retrying = policy with { Retry = true };
        SourceMap.Record(retrying, node);
        return retrying;
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

    [GeneratedRegex("^([0-9]+) *([smhdw])$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex EnvNamePattern();
}
