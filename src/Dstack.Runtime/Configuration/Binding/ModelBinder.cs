using System.Globalization;
using System.Reflection;
using System.Runtime.Serialization;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Resources;
using Dstack.Runtime.Yaml;

namespace Dstack.Runtime.Configuration.Binding;

/// <summary>
/// Turns a YAML tree into model records, driven by <see cref="ModelDescriptor"/>. Every problem becomes a
/// diagnostic at the exact node (or the exact part of a string); a value that cannot be read is left at its
/// default so the rest of the file is still checked. It never throws for bad input.
/// </summary>
public sealed partial class ModelBinder
{
    private readonly DiagnosticBag _diagnostics;

    public ModelBinder(DiagnosticBag diagnostics, SourceMap sourceMap)
    {
        _diagnostics = diagnostics;
        SourceMap = sourceMap;
    }

    public SourceMap SourceMap { get; }

    /// <summary>Binds a mapping to a new instance of <paramref name="type"/>; null when the node is not a mapping.</summary>
    public object? BindObject(Type type, YamlNode node, string path)
    {
        if (node is not YamlMapping mapping)
        {
            WrongType(node, path, $"a mapping of {Describe(type)} properties");
            return null;
        }

        var descriptor = ModelDescriptor.For(type);
        var instance = descriptor.CreateInstance();
        SourceMap.Record(instance, node);
        foreach (var entry in mapping.Entries)
        {
            var name = entry.Key.Value;
            var property = descriptor.Find(name);
            if (property is null)
            {
                UnknownProperty(descriptor, mapping, entry.Key, path);
                continue;
            }

            SourceMap.Record(instance, entry);
            if (!property.IsSettable)
            {
                continue;
            }

            if (property.DeprecatedAdvice is { } advice)
            {
                _diagnostics.Warning(DiagnosticCodes.DeprecatedProperty, entry.Key.Span, $"`{Join(path, name)}` is deprecated: {advice}");
            }

            if (TryBindProperty(property, entry.Value, Join(path, name), out var value))
            {
                property.Property.SetValue(instance, value);
            }
        }

        foreach (var property in descriptor.Properties)
        {
            if (property.IsRequired && property.IsSettable && mapping.Find(property.YamlName) is null)
            {
                var example = property.Example is { } e ? $", for example `{e.Split('\n')[0]}`" : string.Empty;
                _diagnostics.Error(
                    DiagnosticCodes.MissingProperty,
                    StartOf(mapping),
                    $"{(path.Length == 0 ? string.Empty : path + ": ")}`{property.YamlName}` is required{TypeContext(descriptor)}; add it{example}");
            }
        }

        return instance;
    }

    private bool TryBindProperty(PropertyDescriptor property, YamlNode node, string path, out object? value)
    {
        value = null;
        if (node is YamlScalar { IsNull: true })
        {
            // A required property (`ide`, `port`) must have a value even where its type can hold null.
            if (property.AllowsNull && !property.IsRequired)
            {
                return true;
            }

            var fallback = property.DefaultText is { } d ? $"remove the line to use the default ({d})" : "give a value or remove the line";
            _diagnostics.Error(DiagnosticCodes.NullNotAllowed, node.Span, $"{path}: cannot be empty or null; {fallback}");
            return false;
        }

        value = BindValue(property.ValueType, node, path, property);
        return value is not null;
    }

    /// <summary>Reads one value of <paramref name="type"/>; null after a reported problem.</summary>
    internal object? BindValue(Type type, YamlNode node, string path, PropertyDescriptor? property)
    {
        try
        {
            return type switch
            {
                _ when type == typeof(string) => property?.IsPythonVersion == true ? ReadPython(node, path) : ReadString(node, path),
                _ when type == typeof(bool) => ReadBool(node, path),
                _ when type == typeof(int) => ReadInt(node, path, property),
                _ when type == typeof(double) => ReadDouble(node, path),
                _ when type == typeof(GpuVendor) => ReadGpuVendor(node, path),
                _ when type.IsEnum => ReadEnum(type, node, path),
                _ when type == typeof(Range<int>) => ReadCountRange(node, path),
                _ when type == typeof(Range<Memory>) => ReadMemoryRange(node, path),
                _ when type == typeof(Memory) => ReadMemory(node, path),
                _ when type == typeof(GpuSpec) => ReadGpu(node, path),
                _ when type == typeof(DiskSpec) => ReadDisk(node, path),
                _ when type == typeof(ComputeCapability) => ReadComputeCapability(node, path),
                _ when type == typeof(Duration) => ReadDuration(node, path, property?.DurationForms),
                _ when type == typeof(RetrySpec) => ReadRetry(node, path),
                _ when type == typeof(RetryPolicy) => ReadRetryPolicy(node, path),
                _ when type == typeof(EnvVariables) => ReadEnv(node, path),
                _ when type == typeof(PortMapping) => ReadPort(node, path, property?.DefaultLocalPort),
                _ when type == typeof(VolumeMount) => ReadVolume(node, path),
                _ when type == typeof(FileMapping) => ReadFileMapping(node, path),
                _ when type == typeof(GatewayChoice) => ReadGateway(node, path),
                _ when type == typeof(ServiceModel) => ReadServiceModel(node, path),
                _ when type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) => ReadList(type.GetGenericArguments()[0], node, path, property),
                _ => BindObject(type, node, path),
            };
        }
        catch (ValueException e)
        {
            Report(e.Issue, node, path);
            return null;
        }
    }

    private object? ReadList(Type itemType, YamlNode node, string path, PropertyDescriptor? property)
    {
        if (node is YamlScalar { Kind: not ScalarKind.Null } single && property?.IsSingleOrList == true)
        {
            var one = BindValue(itemType, single, path, null);
            if (one is null)
            {
                return null;
            }

            var wrapped = ModelTypes.NewList(itemType);
            wrapped.Add(one);
            return wrapped;
        }

        if (node is YamlMapping mapping && property?.IsMappingAsOneItem == true)
        {
            var name = (mapping.Find("name")?.Value as YamlScalar)?.Value ?? "NAME";
            _diagnostics.Warning(DiagnosticCodes.InvalidWorkflow, mapping.Entries.Count > 0 ? mapping.Entries[0].Key.Span : mapping.Span, $"{path}: a mapping where a list is expected; read as a list of one, but write it as a list: `{path}:` then `  - name: {name}` (each item starts with `- `)");
            var item = BindValue(itemType, mapping, $"{path}[0]", property);
            var wrappedMapping = ModelTypes.NewList(itemType);
            if (item is not null)
            {
                SourceMap.Record(item, mapping);
                wrappedMapping.Add(item);
            }

            return wrappedMapping;
        }

        if (node is not YamlSequence sequence)
        {
            var hint = node is YamlScalar s && !s.IsNull ? $"; for one item write [{s.Value}] or `- {s.Value}` on the next line" : string.Empty;
            WrongType(node, path, $"a list{hint}");
            return null;
        }

        var list = ModelTypes.NewList(itemType);
        for (var i = 0; i < sequence.Items.Count; i++)
        {
            var item = sequence.Items[i];
            var itemPath = $"{path}[{i}]";
            if (item is YamlScalar { IsNull: true })
            {
                _diagnostics.Error(DiagnosticCodes.NullNotAllowed, item.Span, $"{itemPath}: a list item cannot be empty; remove the `-` or give a value");
                continue;
            }

            var value = BindValue(itemType, item, itemPath, property);
            if (value is not null)
            {
                SourceMap.Record(value, item);
                list.Add(value);
            }
        }

        return list;
    }

    private string? ReadString(YamlNode node, string path)
    {
        if (node is YamlScalar scalar)
        {
            return scalar.Value;
        }

        WrongType(node, path, "a string");
        return null;
    }

    private object? ReadBool(YamlNode node, string path)
    {
        if (node is YamlScalar scalar)
        {
            if (scalar.TryGetBool(out var value))
            {
                return value;
            }

            // The texts pydantic v1 reads as booleans, in any case.
            switch (scalar.Value.ToLowerInvariant())
            {
                case "true" or "yes" or "on" or "1" or "t" or "y":
                    return true;
                case "false" or "no" or "off" or "0" or "f" or "n":
                    return false;
            }
        }

        WrongType(node, path, "true or false");
        return null;
    }

    private object? ReadInt(YamlNode node, string path, PropertyDescriptor? property)
    {
        if (node is YamlScalar scalar)
        {
            if (scalar.TryGetInt64(out var whole) || (scalar.Kind == ScalarKind.String && long.TryParse(scalar.Value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out whole)))
            {
                if (whole is >= int.MinValue and <= int.MaxValue)
                {
                    return (int)whole;
                }

                throw ValueException.Error(DiagnosticCodes.InvalidInteger, $"{scalar.Value} is too large");
            }

            if (scalar.Kind == ScalarKind.Float)
            {
                var number = WholeNumber(scalar);
                return number is >= int.MinValue and <= int.MaxValue ? (int)number : throw ValueException.Error(DiagnosticCodes.InvalidInteger, $"{scalar.Value} is too large");
            }
        }

        WrongType(node, path, property?.DefaultText is { } d ? $"a whole number (default {d})" : "a whole number");
        return null;
    }

    private object? ReadDouble(YamlNode node, string path)
    {
        if (node is YamlScalar scalar && scalar.Kind != ScalarKind.Bool &&
            (scalar.TryGetDouble(out var value) || (scalar.Kind == ScalarKind.String && PythonNumber.TryParseFloat(scalar.Value, out value))))
        {
            if (double.IsNaN(value) || double.IsInfinity(value))
            {
                throw ValueException.Error(DiagnosticCodes.SuspiciousNumber, $"`{scalar.Value}` is not a finite number; write a number such as 1.5");
            }

            return value;
        }

        WrongType(node, path, "a number");
        return null;
    }

    private object? ReadEnum(Type type, YamlNode node, string path)
    {
        var names = EnumNames(type);
        if (node is YamlScalar scalar && scalar.Kind is not (ScalarKind.Bool or ScalarKind.Null))
        {
            foreach (var (name, value) in names)
            {
                if (name == scalar.Value)
                {
                    return value;
                }
            }

            var guess = names.FirstOrDefault(n => string.Equals(n.Name, scalar.Value, StringComparison.OrdinalIgnoreCase)).Name
                ?? DidYouMean.Find(scalar.Value, names.Select(n => n.Name));
            var hint = guess is null ? string.Empty : $"; did you mean `{guess}`?";
            throw ValueException.Error(
                DiagnosticCodes.InvalidEnumValue,
                $"`{scalar.Value}` is not one of {string.Join(", ", names.Select(n => n.Name))}{hint}",
                fix: guess is null ? null : new ValueFix(guess));
        }

        WrongType(node, path, $"one of {string.Join(", ", names.Select(n => n.Name))}");
        return null;
    }

    /// <summary>The YAML spelling of each enum value, from its [EnumMember].</summary>
    public static IReadOnlyList<(string Name, object Value)> EnumNames(Type enumType) => ModelTypes.EnumNames(enumType);

    private void Report(ValueIssue issue, YamlNode node, string path)
    {
        var span = issue.Offset >= 0 && node is YamlScalar scalar ? scalar.SpanOf(issue.Offset, issue.Length) : node.Span;
        _diagnostics.Add(issue.Code, issue.Severity, span, path.Length == 0 ? issue.Message : $"{path}: {issue.Message}", SuggestionFor(issue, node));
    }

    /// <summary>Where an issue's fix goes in the source; null when there is none or it cannot be placed exactly.</summary>
    private static Suggestion? SuggestionFor(ValueIssue issue, YamlNode node)
    {
        if (issue.Fix is not { } fix || node is not YamlScalar scalar)
        {
            return null;
        }

        var (offset, length) = fix.Offset >= 0 ? (fix.Offset, fix.Length) : issue.Offset >= 0 ? (issue.Offset, issue.Length) : (0, scalar.Value.Length);
        return scalar.TrySpanOf(offset, length, out var span) ? new Suggestion(span, fix.Text) : null;
    }

    /// <summary>A fix that replaces a whole scalar's text (inside its quotes, which stay), when it can be placed exactly.</summary>
    private static Suggestion? Replacing(YamlScalar scalar, string text) =>
        scalar.TrySpanOf(0, scalar.Value.Length, out var span) ? new Suggestion(span, text) : null;

    private void WrongType(YamlNode node, string path, string expected)
    {
        var found = node is YamlScalar { IsPlain: true } s && Yaml11.IsSexagesimal(s.Value)
            ? $"{node.Describe()} (YAML 1.1 reads an unquoted `{s.Value}` as a base-60 number; quote it)"
            : node.Describe();
        _diagnostics.Error(DiagnosticCodes.WrongType, node.Span, $"{path}: expected {expected}, found {found}");
    }

    private void UnknownProperty(ModelDescriptor descriptor, YamlMapping mapping, YamlScalar key, string path)
    {
        var name = key.Value;
        Suggestion? suggestion = null;
        // The other shapes of the same object: run configuration types, or the other formats of a service model.
        var siblings = descriptor.ConfigurationType is not null
            ? ModelDescriptor.RunConfigurationTypes.Values
            : descriptor.Selector is not null && descriptor.Type.BaseType is { } parent
                ? ModelDescriptor.For(parent).Variants.Values
                : [];
        var elsewhere = siblings.Where(t => t != descriptor.Type && ModelDescriptor.For(t).Find(name) is not null).Select(t => ModelDescriptor.For(t).SelectorText!).ToList();
        string hint;
        if (elsewhere.Count > 0)
        {
            hint = $"it belongs to {string.Join(" and ", elsewhere.Select(e => $"`{e}`"))}" + (name == "commands" && descriptor.ConfigurationType == "dev-environment" ? "; a dev environment runs `init` instead" : string.Empty);
        }
        else if (DidYouMean.Find(name, descriptor.Properties.Where(p => p.IsSettable || p.YamlName == "type").Select(p => p.YamlName)) is { } guess)
        {
            hint = $"did you mean `{guess}`?";
            // Renaming onto a key the mapping already has would only trade this error for a duplicate key.
            suggestion = mapping.Find(guess) is null ? Replacing(key, guess) : null;
        }
        else
        {
            hint = $"allowed: {string.Join(", ", descriptor.Properties.Select(p => p.YamlName))}";
        }

        _diagnostics.Error(DiagnosticCodes.UnknownProperty, key.Span, $"unknown property `{Join(path, name)}`{TypeContext(descriptor)}; {hint}", suggestion);
    }

    private static string TypeContext(ModelDescriptor descriptor) =>
        descriptor.SelectorText is { } t ? $" for `{t}`" : string.Empty;

    private static SourceSpan StartOf(YamlNode node) =>
        new(node.Span.StartLine, node.Span.StartColumn, node.Span.StartLine, node.Span.StartColumn, node.Span.Start, node.Span.Start);

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string Describe(Type type) => PropertyDescriptor.ToSnakeCase(type.Name.Replace("Spec", string.Empty, StringComparison.Ordinal)).Replace('_', ' ');
}
