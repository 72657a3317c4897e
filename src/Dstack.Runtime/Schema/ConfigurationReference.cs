using System.Text;
using Dstack.Runtime.Configuration.Binding;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Schema;

/// <summary>
/// Renders the generated parts of <c>docs/configuration.md</c> from the model descriptors and
/// <see cref="DiagnosticCodes.All"/>: one Markdown table per configuration type, and the list of codes. The
/// prose around them is hand-written; <see cref="Update"/> replaces only what lies between the markers.
/// </summary>
public static class ConfigurationReference
{
    /// <summary>The region names, each written in the document as <c>&lt;!-- BEGIN GENERATED name --&gt;</c> ... <c>&lt;!-- END GENERATED name --&gt;</c>.</summary>
    public static IReadOnlyList<string> Regions { get; } = ["properties", "diagnostics"];

    private static readonly Section[] Sections =
    [
        new("task", "`type: task`", "A task runs commands to completion, on one or several nodes. It also has the [common properties](#run-common) and the [profile parameters](#profile-parameters).", typeof(TaskConfiguration), typeof(TaskConfiguration)),
        new("dev-environment", "`type: dev-environment`", "A dev environment prepares a machine for an IDE to attach to. It also has the [common properties](#run-common) and the [profile parameters](#profile-parameters).", typeof(DevEnvironmentConfiguration), typeof(DevEnvironmentConfiguration)),
        new("service", "`type: service`", "A service is a long-running app published on one port. It also has the [common properties](#run-common) and the [profile parameters](#profile-parameters).", typeof(ServiceConfiguration), typeof(ServiceConfiguration)),
        new("run-common", "Common to every run configuration", "Every `task`, `dev-environment` and `service` has these properties.", typeof(TaskConfiguration), typeof(RunConfiguration)),
        new("profile-parameters", "Profile parameters", "Allowed in run configurations and in each profile of `.dstack/profiles.yml`. A value in the configuration wins over the selected profile; a command-line flag wins over both.", typeof(Profile), typeof(ProfileParameters)),
        new("resources", "`resources`", "The hardware a run needs. Leaving `resources` out is the same as writing every default.", typeof(ResourcesSpec), null),
        new("gpu", "`resources.gpu` (object form)", "The object form of a GPU spec; the string form is described in [GPU specs](#gpu-specs).", typeof(GpuSpec), null),
        new("disk", "`resources.disk` (object form)", "The object form of a disk spec; `disk: 200GB..` is short for `disk: {size: 200GB..}`.", typeof(DiskSpec), null),
        new("retry", "`retry`", "`retry: true` means every event for 1h; `retry: false` turns retries off.", typeof(RetrySpec), null),
        new("retry_policy", "`retry_policy` (deprecated)", "The legacy form of `retry`.", typeof(RetryPolicy), null),
        new("registry_auth", "`registry_auth`", "Credentials for a private Docker registry.", typeof(RegistryAuth), null),
        new("scaling", "`scaling` (service)", "Autoscaling of a service whose `replicas` is a range.", typeof(ScalingSpec), null),
        new("model", "`model` (service)", "`model: NAME` is short for `model: {name: NAME, format: openai}`. The object's `format` decides its other properties, as in dstack: [`openai`](#model-openai) or [`tgi`](#model-tgi); a property of the other format is an error.", typeof(ServiceModel), null),
        new("model-openai", "`model` with `format: openai`", "A model served through an OpenAI-compatible API. It also has the [`model` properties](#model).", typeof(OpenAIChatModel), typeof(OpenAIChatModel)),
        new("model-tgi", "`model` with `format: tgi`", "A model served with HuggingFace Text Generation Inference. It also has the [`model` properties](#model); it has no `prefix`.", typeof(TgiChatModel), typeof(TgiChatModel)),
        new("utilization_policy", "`utilization_policy`", "Stops a run whose GPUs stay idle.", typeof(UtilizationPolicy), null),
        new("profiles", "`.dstack/profiles.yml`", "The file holds `profiles:`, a list of profiles. Each profile has these properties and the [profile parameters](#profile-parameters).", typeof(ProfilesFile), null),
        new("profile", "A profile", "One entry of `profiles:`.", typeof(Profile), typeof(Profile)),
        new("workflows", "`.dstack/workflows/*.yaml` (legacy pipelines)", "The file holds `workflows:`, a list of workflows.", typeof(WorkflowsFile), null),
        new("workflow", "A workflow", "One entry of `workflows:`.", typeof(Workflow), null),
        new("workflow-resources", "Workflow `resources`", "Minimums, in the style of dstack before 0.15.", typeof(WorkflowResources), null),
        new("workflow-gpu", "Workflow `resources.gpu`", "GPU minimums of a workflow.", typeof(WorkflowGpu), null),
        new("workflow-path", "Workflow `artifacts` and `cache` entries", "A folder to save or cache.", typeof(WorkflowPath), null),
    ];

    /// <summary>Replaces the content of every generated region of <paramref name="document"/>; the rest is kept as written.</summary>
    public static string Update(string document)
    {
        var text = document.Replace("\r\n", "\n", StringComparison.Ordinal);
        foreach (var region in Regions)
        {
            var begin = $"<!-- BEGIN GENERATED {region} -->\n";
            var end = $"<!-- END GENERATED {region} -->";
            var start = text.IndexOf(begin, StringComparison.Ordinal);
            var stop = text.IndexOf(end, StringComparison.Ordinal);
            if (start < 0 || stop < start)
            {
                throw new FormatException($"the document has no `{begin.TrimEnd()}` ... `{end}` region");
            }

            text = string.Concat(text.AsSpan(0, start + begin.Length), Render(region), text.AsSpan(stop));
        }

        return text;
    }

    /// <summary>The Markdown of one region.</summary>
    public static string Render(string region) => region switch
    {
        "properties" => RenderProperties(),
        "diagnostics" => RenderDiagnostics(),
        _ => throw new ArgumentException($"unknown region `{region}`", nameof(region)),
    };

    /// <summary>One table per configuration type: property, type in words, default, description; then the examples.</summary>
    public static string RenderProperties()
    {
        var text = new StringBuilder();
        foreach (var section in Sections)
        {
            var properties = ModelDescriptor.For(section.Type).Properties
                .Where(p => section.DeclaredBy is null || p.Property.DeclaringType == section.DeclaredBy)
                .ToList();
            text.Append("<a id=\"").Append(section.Anchor).Append("\"></a>\n\n");
            text.Append("### ").Append(section.Heading).Append("\n\n").Append(section.Summary).Append("\n\n");
            text.Append("| property | type | default | description |\n|---|---|---|---|\n");
            foreach (var property in properties)
            {
                text.Append("| `").Append(property.YamlName).Append("` | ")
                    .Append(Cell(TypeInWords(property))).Append(" | ")
                    .Append(Cell(DefaultInWords(property, section))).Append(" | ")
                    .Append(Cell(Description(property))).Append(" |\n");
            }

            var examples = properties.Where(p => p.Example is not null).ToList();
            if (examples.Count > 0)
            {
                text.Append("\nExamples:\n\n```yaml\n");
                text.AppendJoin("\n", examples.Select(p => p.Example!.TrimEnd() + "\n"));
                text.Append("```\n");
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The table of every diagnostic code with its title.</summary>
    public static string RenderDiagnostics()
    {
        var text = new StringBuilder("| code | meaning |\n|---|---|\n");
        foreach (var (code, title) in DiagnosticCodes.All)
        {
            text.Append("| `").Append(code).Append("` | ").Append(Cell(title)).Append(" |\n");
        }

        return text.ToString();
    }

    /// <summary>The type of a property as a user would say it: "size or size range", "list of strings".</summary>
    public static string TypeInWords(PropertyDescriptor property)
    {
        if (property.YamlName == "type" && property.Property.DeclaringType == typeof(RunConfiguration))
        {
            return "`task`, `dev-environment` or `service`";
        }

        if (ModelDescriptor.For(property.Property.DeclaringType!) is { VariantKey: { } key } shapes && key == property.YamlName)
        {
            return string.Join(" or ", shapes.Variants.Keys.Select(k => $"`{k}`"));
        }

        if (property.ValueType.IsGenericType && property.ValueType.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            var item = property.ValueType.GetGenericArguments()[0];
            var items = $"list of {Plural(Words(item, property))}";
            return property.IsSingleOrList ? $"{Words(item, property)} or {items}" : items;
        }

        return Words(property.ValueType, property);
    }

    private static string Words(Type type, PropertyDescriptor property) => type switch
    {
        _ when type == typeof(string) && property.IsPythonVersion => $"Python version: {string.Join(", ", PythonVersionAttribute.Supported.Select(v => $"`\"{v}\"`"))}",
        _ when type == typeof(string) => "string",
        _ when type == typeof(bool) => "boolean",
        _ when type == typeof(int) => "integer",
        _ when type == typeof(double) => "number",
        _ when type == typeof(GpuVendor) => "one of " + string.Join(", ", ModelBinder.EnumNames(type).Select(n => $"`{n.Name}`")) + ", any case; `tpu` means `google`",
        _ when type.IsEnum => "one of " + string.Join(", ", ModelBinder.EnumNames(type).Select(n => $"`{n.Name}`")),
        _ when type == typeof(Range<int>) => "[count or count range](#ranges)",
        _ when type == typeof(Range<Memory>) => "[size or size range](#sizes)",
        _ when type == typeof(Memory) => "[size](#sizes)",
        _ when type == typeof(GpuSpec) => "[GPU spec](#gpu-specs): string, count or [object](#gpu)",
        _ when type == typeof(DiskSpec) => "[size or size range](#sizes), or [object](#disk)",
        _ when type == typeof(ComputeCapability) => "compute capability `MAJOR.MINOR`",
        _ when type == typeof(Duration) => DurationWords(property.DurationForms),
        _ when type == typeof(RetrySpec) => "boolean or [retry object](#retry)",
        _ when type == typeof(EnvVariables) => "[env list or mapping](#env)",
        _ when type == typeof(PortMapping) => "[port](#ports)",
        _ when type == typeof(VolumeMount) => "[volume](#volumes)",
        _ when type == typeof(GatewayChoice) => "string, or `false`",
        _ when type == typeof(ServiceModel) => "string or [model object](#model)",
        _ when type == typeof(ResourcesSpec) => "[resources object](#resources)",
        _ when type == typeof(RetryPolicy) => "[object](#retry_policy)",
        _ when type == typeof(RegistryAuth) => "[object](#registry_auth)",
        _ when type == typeof(ScalingSpec) => "[object](#scaling)",
        _ when type == typeof(UtilizationPolicy) => "[object](#utilization_policy)",
        _ when type == typeof(Profile) => "[profile](#profile)",
        _ when type == typeof(Workflow) => "[workflow](#workflow)",
        _ when type == typeof(WorkflowResources) => "[object](#workflow-resources)",
        _ when type == typeof(WorkflowGpu) => "[object](#workflow-gpu)",
        _ when type == typeof(WorkflowPath) => "[path object](#workflow-path)",
        _ => "object",
    };

    private static string DurationWords(DurationFormsAttribute? forms)
    {
        var extra = new List<string>();
        if (forms?.AllowOff == true)
        {
            extra.Add("`off`");
        }

        if (forms?.AllowBool == true)
        {
            extra.Add("boolean");
        }

        return extra.Count == 0 ? "[duration](#durations)" : $"[duration](#durations), {string.Join(" or ", extra)}";
    }

    private static string Plural(string words) => words switch
    {
        "string" => "strings",
        "integer" => "integers",
        "[port](#ports)" => "[ports](#ports)",
        "[volume](#volumes)" => "[volumes](#volumes)",
        "[profile](#profile)" => "[profiles](#profile)",
        "[workflow](#workflow)" => "[workflows](#workflow)",
        "[path object](#workflow-path)" => "[path objects](#workflow-path)",
        _ when words.StartsWith("one of ", StringComparison.Ordinal) => "values, each " + words,
        _ => words,
    };

    private static string DefaultInWords(PropertyDescriptor property, Section section)
    {
        if (property.IsRequired || (property.YamlName == "type" && section.DeclaredBy == typeof(RunConfiguration)))
        {
            return "required";
        }

        if (property.DefaultText is { } text)
        {
            return $"`{text}`";
        }

        if (property.ValueType == typeof(EnvVariables))
        {
            return "`{}`";
        }

        if (property.ValueType == typeof(ResourcesSpec))
        {
            return "[each default](#resources)";
        }

        return property.ValueType.IsGenericType && property.ValueType.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) && !property.AllowsNull
            ? "`[]`"
            : "–";
    }

    private static string Description(PropertyDescriptor property) =>
        property.DeprecatedAdvice is { } advice ? $"**Deprecated:** {advice}. {property.Description}" : property.Description;

    // A table cell holds one line; a '|' would end the cell.
    private static string Cell(string text) => text.Replace("\n", " ", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal);

    private sealed record Section(string Anchor, string Heading, string Summary, Type Type, Type? DeclaredBy);
}
