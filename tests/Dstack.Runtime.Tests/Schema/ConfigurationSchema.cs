using System.Globalization;
using Dstack.Runtime.Configuration.Binding;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Resources;
using NJsonSchema;

namespace Dstack.Runtime.Tests.Schema;

/// <summary>
/// Generates the JSON schemas in <c>schema/</c> from the model descriptors with NJsonSchema, so the schema, the
/// binder, the docs and the language server share one description of each property. Values with several
/// written forms (sizes, ranges, GPU strings, ports) get permissive schemas: the exact grammar is the binder's.
/// </summary>
public sealed class ConfigurationSchema
{
    private readonly JsonSchema _root = new();
    private readonly Dictionary<string, JsonSchema> _definitions = new(StringComparer.Ordinal);

    private ConfigurationSchema()
    {
    }

    /// <summary>The schema of run configurations (<c>*.dstack.yml</c>): task, dev-environment, service.</summary>
    public static JsonSchema ForRunConfigurations()
    {
        var generator = new ConfigurationSchema();
        var root = generator._root;
        root.Title = "dstack configuration";
        root.Description = "A dstack run configuration (.dstack.yml): a task, dev-environment or service, as read by Dstack for .NET (dstack 0.18 format).";
        foreach (var type in ModelDescriptor.RunConfigurationTypes.Values)
        {
            root.AnyOf.Add(new JsonSchema { Reference = generator.Definition(type) });
        }

        generator.Flush();
        return root;
    }

    /// <summary>The schema of <c>.dstack/profiles.yml</c>.</summary>
    public static JsonSchema ForProfiles() => ForFile(
        typeof(ProfilesFile),
        "dstack profiles",
        "Profiles (.dstack/profiles.yml): named sets of placement parameters, selected with --profile or `default: true`.");

    /// <summary>The schema of legacy pipelines files (<c>.dstack/workflows/*.yaml</c>).</summary>
    public static JsonSchema ForWorkflows() => ForFile(typeof(WorkflowsFile), "dstack workflows", "Legacy pipelines (.dstack/workflows/*.yaml).");

    /// <summary>The schema as checked-in text: two-space indented JSON with a final newline.</summary>
    public static string ToText(JsonSchema schema) => schema.ToJson().Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";

    private static JsonSchema ForFile(Type fileType, string title, string description)
    {
        var generator = new ConfigurationSchema();
        generator._root.Title = title;
        generator._root.Description = description;
        generator.FillObject(generator._root, fileType);
        generator.Flush();
        return generator._root;
    }

    private void Flush()
    {
        foreach (var (name, schema) in _definitions.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            _root.Definitions[name] = schema;
        }
    }

    private JsonSchema Definition(Type type)
    {
        var name = type.Name;
        if (_definitions.TryGetValue(name, out var existing))
        {
            return existing;
        }

        var schema = new JsonSchema();
        _definitions[name] = schema;
        FillObject(schema, type);
        return schema;
    }

    private void FillObject(JsonSchema schema, Type type)
    {
        var descriptor = ModelDescriptor.For(type);
        schema.Type = JsonObjectType.Object;
        schema.AllowAdditionalProperties = false;
        schema.Description ??= Summary(type);
        foreach (var property in descriptor.Properties)
        {
            var value = new JsonSchemaProperty { Description = property.Description, IsRequired = property.IsRequired };
            if (property.YamlName == "type" && descriptor.ConfigurationType is { } typeName)
            {
                value.Type = JsonObjectType.String;
                value.Enumeration.Add(typeName);
                value.IsRequired = true;
            }
            else if (descriptor.Selector is { } selector && property.YamlName == selector.Key)
            {
                value.Type = JsonObjectType.String;
                value.Enumeration.Add(selector.Value);
                value.IsRequired = true;
            }
            else
            {
                Describe(value, property.ValueType, property);
                if (property.AllowsNull && !property.IsRequired)
                {
                    AllowNull(value);
                }
            }

            if (property.DefaultText is { } text)
            {
                value.Default = DefaultValue(property.ValueType, text);
            }

            if (property.DeprecatedAdvice is { } advice)
            {
                value.IsDeprecated = true;
                value.Description += $" Deprecated: {advice}.";
            }

            if (property.Example is { } example)
            {
                value.ExtensionData ??= new Dictionary<string, object?>();
                value.ExtensionData["markdownDescription"] = $"{property.Description}\n\n```yaml\n{example}\n```";
            }

            schema.Properties[property.YamlName] = value;
        }
    }

    private void Describe(JsonSchema schema, Type type, PropertyDescriptor? property)
    {
        if (type == typeof(string) && property?.IsPythonVersion == true)
        {
            schema.Type = JsonObjectType.String | JsonObjectType.Number;
            foreach (var version in PythonVersionAttribute.Supported)
            {
                schema.Enumeration.Add(version);
                schema.Enumeration.Add(double.Parse(version, CultureInfo.InvariantCulture));
            }
        }
        else if (type == typeof(string))
        {
            schema.Type = JsonObjectType.String;
        }
        else if (type == typeof(bool))
        {
            schema.Type = JsonObjectType.Boolean;
        }
        else if (type == typeof(int))
        {
            schema.Type = JsonObjectType.Integer;
        }
        else if (type == typeof(double))
        {
            schema.Type = JsonObjectType.Number;
        }
        else if (type.IsEnum)
        {
            schema.Type = JsonObjectType.String;
            foreach (var (name, _) in ModelBinder.EnumNames(type))
            {
                schema.Enumeration.Add(name);
            }

            if (type == typeof(GpuVendor))
            {
                schema.Enumeration.Add("tpu");
            }
        }
        else if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) && (property?.IsSingleOrList == true || property?.IsMappingAsOneItem == true))
        {
            var item = new JsonSchema();
            Describe(item, type.GetGenericArguments()[0], null);
            schema.AnyOf.Add(item);
            schema.AnyOf.Add(new JsonSchema { Type = JsonObjectType.Array, Item = item });
        }
        else if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            schema.Type = JsonObjectType.Array;
            var item = new JsonSchema();
            Describe(item, type.GetGenericArguments()[0], property);
            schema.Item = item;
        }
        else if (Special(type, property) is { } reference)
        {
            schema.Reference = reference;
        }
        else
        {
            schema.Reference = Definition(type);
        }
    }

    private JsonSchema? Special(Type type, PropertyDescriptor? property)
    {
        JsonSchema Named(string name, Func<JsonSchema> build)
        {
            if (!_definitions.TryGetValue(name, out var schema))
            {
                _definitions[name] = schema = build();
            }

            return schema;
        }

        JsonSchema Text(string pattern) => new() { Type = JsonObjectType.String, Pattern = pattern };

        const string memoryText = @"^\s*[0-9.]+\s*([mMgGtT][bB])?\s*$";
        const string memoryRangeText = @"^\s*([0-9.]+\s*([mMgGtT][bB])?)?\s*(\.\.\s*([0-9.]+\s*([mMgGtT][bB])?)?)?\s*$";
        return type switch
        {
            _ when type == typeof(Memory) => Named("Memory", () => OneOf("A size: a number of GB, or a number with MB, GB or TB (16GB, 512MB, 1TB).", new JsonSchema { Type = JsonObjectType.Number, Minimum = 0 }, Text(memoryText))),
            _ when type == typeof(Range<Memory>) => Named("MemoryRange", () => OneOf(
                "A size or a range of sizes: 16GB, 8GB.., ..80GB, 24GB..40GB, or {min, max}.",
                new JsonSchema { Type = JsonObjectType.Number, Minimum = 0 },
                Text(memoryRangeText),
                RangeObject(Named("Memory", () => OneOf("A size.", new JsonSchema { Type = JsonObjectType.Number, Minimum = 0 }, Text(memoryText)))))),
            _ when type == typeof(Range<int>) => Named("IntRange", () => OneOf(
                "A count or a range of counts: 2, 1.., ..8, 1..4, or {min, max}.",
                new JsonSchema { Type = JsonObjectType.Integer, Minimum = 0 },
                Text(@"^\s*([0-9]+)?\s*(\.\.\s*([0-9]+)?)?\s*$"),
                RangeObject(new JsonSchema { Type = JsonObjectType.Integer, Minimum = 0 }))),
            _ when type == typeof(GpuSpec) => Named("Gpu", () => OneOf(
                "GPUs: tokens in any order separated by ':' (vendor, name(s), memory, count), such as A100:80GB:2, 24GB..:1..2, nvidia, tpu:v5p-8; a count; or an object.",
                new JsonSchema { Type = JsonObjectType.Integer, Minimum = 0 },
                new JsonSchema { Type = JsonObjectType.String, MinLength = 1 },
                new JsonSchema { Reference = Definition(typeof(GpuSpec)) })),
            _ when type == typeof(DiskSpec) => Named("Disk", () => OneOf(
                "The disk: a size or a range such as 100GB.., or {size}.",
                new JsonSchema { Reference = Special(typeof(Range<Memory>), null) },
                new JsonSchema { Reference = Definition(typeof(DiskSpec)) })),
            _ when type == typeof(ComputeCapability) => Named("ComputeCapability", () => OneOf(
                "A minimum compute capability, MAJOR.MINOR such as 8.0.",
                new JsonSchema { Type = JsonObjectType.Number },
                Text(@"^\s*[0-9]+\.[0-9]+\s*$"),
                new JsonSchema { Type = JsonObjectType.Array, Item = new JsonSchema { Type = JsonObjectType.Integer }, MinItems = 2, MaxItems = 2 })),
            _ when type == typeof(Duration) => Named(property?.DurationForms is { AllowOff: true } ? (property.DurationForms.AllowBool ? "DurationOffOrBool" : "DurationOrOff") : "Duration", () =>
            {
                var forms = new List<JsonSchema>
                {
                    new() { Type = JsonObjectType.Integer, Minimum = 0 },
                    Text(property?.DurationForms?.AllowOff == true ? "^([0-9]+ *[smhdw]|off)$" : "^[0-9]+ *[smhdw]$"),
                };
                if (property?.DurationForms?.AllowBool == true)
                {
                    forms.Add(new JsonSchema { Type = JsonObjectType.Boolean });
                }

                return OneOf("A duration: seconds (90), or a whole number with s, m, h, d or w (30m, 2h, 1d)" + (property?.DurationForms?.AllowOff == true ? ", or off." : "."), [.. forms]);
            }),
            _ when type == typeof(RetrySpec) => Named("Retry", () => OneOf(
                "true (every event, for 1h), false, or {on_events, duration}.",
                new JsonSchema { Type = JsonObjectType.Boolean },
                new JsonSchema { Reference = Definition(typeof(RetrySpec)) })),
            _ when type == typeof(EnvVariables) => Named("Env", () => OneOf(
                "Environment variables: a list of NAME=value (NAME alone: required at run time), or a mapping NAME: value (null: required).",
                new JsonSchema { Type = JsonObjectType.Array, Item = Text("^[a-zA-Z_][a-zA-Z0-9_]*(=.*)?$") },
                new JsonSchema
                {
                    Type = JsonObjectType.Object,
                    AllowAdditionalProperties = false,
                    PatternProperties = { ["^[a-zA-Z_][a-zA-Z0-9_]*$"] = new JsonSchemaProperty { Type = JsonObjectType.String | JsonObjectType.Number | JsonObjectType.Boolean | JsonObjectType.Null } },
                })),
            _ when type == typeof(PortMapping) => Named("Port", () => OneOf(
                "A port: 8080, \"LOCAL:CONTAINER\" such as \"80:8080\", \"*:8080\", or {local_port, container_port}.",
                new JsonSchema { Type = JsonObjectType.Integer, Minimum = 1, Maximum = 65535 },
                Text(@"^([0-9]+|(\*|[0-9]+):[0-9]+)$"),
                PortObject())),
            _ when type == typeof(VolumeMount) => Named("Volume", () => OneOf(
                "A volume: NAME:/path (network volume), /instance/path:/path, {name, path} or {instance_path, path, optional}.",
                Text("^[^:]+:[^:]+$"),
                VolumeObject(network: true),
                VolumeObject(network: false))),
            _ when type == typeof(GatewayChoice) => Named("Gateway", () => OneOf(
                "A gateway name, or false for none.",
                new JsonSchema { Type = JsonObjectType.String },
                new JsonSchema { Type = JsonObjectType.Boolean, Enumeration = { false } })),
            _ when type == typeof(ServiceModel) => Named("Model", () => OneOf(
                "The model name (an OpenAI-compatible API at /v1), or an object whose `format` decides its shape: {name, format: openai, prefix} or {name, format: tgi, chat_template, eos_token}.",
                [new JsonSchema { Type = JsonObjectType.String }, .. ModelDescriptor.For(type).Variants.Values.Select(v => new JsonSchema { Reference = Definition(v) })])),
            _ => null,
        };
    }

    private static JsonSchema OneOf(string description, params JsonSchema[] forms)
    {
        var schema = new JsonSchema { Description = description };
        foreach (var form in forms)
        {
            schema.AnyOf.Add(form);
        }

        return schema;
    }

    private static JsonSchema RangeObject(JsonSchema bound)
    {
        var schema = new JsonSchema { Type = JsonObjectType.Object, AllowAdditionalProperties = false };
        foreach (var name in new[] { "min", "max" })
        {
            var property = new JsonSchemaProperty { Description = name == "min" ? "The lower bound; null for none." : "The upper bound; null for none." };
            property.AnyOf.Add(bound.Reference is not null ? new JsonSchema { Reference = bound.Reference } : bound);
            property.AnyOf.Add(new JsonSchema { Type = JsonObjectType.Null });
            schema.Properties[name] = property;
        }

        return schema;
    }

    private static JsonSchema PortObject() => new()
    {
        Type = JsonObjectType.Object,
        AllowAdditionalProperties = false,
        RequiredProperties = { "container_port" },
        Properties =
        {
            ["local_port"] = new JsonSchemaProperty { Type = JsonObjectType.Integer | JsonObjectType.Null, Minimum = 1, Maximum = 65535, Description = "The port on your machine; null for any free port." },
            ["container_port"] = new JsonSchemaProperty { Type = JsonObjectType.Integer, Minimum = 1, Maximum = 65535, Description = "The port the job listens on." },
        },
    };

    private static JsonSchema VolumeObject(bool network)
    {
        var schema = new JsonSchema { Type = JsonObjectType.Object, AllowAdditionalProperties = false };
        schema.RequiredProperties.Add(network ? "name" : "instance_path");
        schema.RequiredProperties.Add("path");
        if (network)
        {
            var name = new JsonSchemaProperty { Description = "The network volume, or a list of volumes any one of which will do." };
            name.AnyOf.Add(new JsonSchema { Type = JsonObjectType.String });
            name.AnyOf.Add(new JsonSchema { Type = JsonObjectType.Array, Item = new JsonSchema { Type = JsonObjectType.String } });
            schema.Properties["name"] = name;
        }
        else
        {
            schema.Properties["instance_path"] = new JsonSchemaProperty { Type = JsonObjectType.String, Description = "The absolute folder on the instance." };
            schema.Properties["optional"] = new JsonSchemaProperty { Type = JsonObjectType.Boolean, Description = "Skip the mount where the folder does not exist.", Default = false };
        }

        schema.Properties["path"] = new JsonSchemaProperty { Type = JsonObjectType.String, Description = "The absolute path in the job." };
        return schema;
    }

    private static void AllowNull(JsonSchemaProperty property)
    {
        if (property.Reference is not null)
        {
            var reference = property.Reference;
            property.Reference = null;
            property.OneOf.Clear();
            property.AnyOf.Add(new JsonSchema { Reference = reference });
            property.AnyOf.Add(new JsonSchema { Type = JsonObjectType.Null });
        }
        else if (property.AnyOf.Count > 0)
        {
            property.AnyOf.Add(new JsonSchema { Type = JsonObjectType.Null });
        }
        else if (property.Type != JsonObjectType.None)
        {
            property.Type |= JsonObjectType.Null;
            if (property.Enumeration.Count > 0)
            {
                property.Enumeration.Add(null);
            }
        }
    }

    private static object DefaultValue(Type type, string text) => type switch
    {
        _ when type == typeof(bool) => text == "true",
        _ when type == typeof(int) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
        _ => text,
    };

    private static string Summary(Type type) => type.Name switch
    {
        "TaskConfiguration" => "A task: commands that run to completion, on one or several nodes.",
        "DevEnvironmentConfiguration" => "A dev environment: a machine prepared for an IDE to attach to.",
        "ServiceConfiguration" => "A service: a long-running app published on one port.",
        "OpenAIChatModel" => "A chat model served through an OpenAI-compatible API (format: openai).",
        "TgiChatModel" => "A chat model served with HuggingFace Text Generation Inference (format: tgi).",
        _ => PropertyDescriptor.ToSnakeCase(type.Name).Replace('_', ' '),
    };
}
