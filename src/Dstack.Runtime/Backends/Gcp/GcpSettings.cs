using System.Text.RegularExpressions;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Yaml;
using static Dstack.Runtime.Backends.BackendEntryValues;

namespace Dstack.Runtime.Backends.Gcp;

/// <summary>
/// The <c>- type: gcp</c> entry of config.yml's <c>backends:</c>, in the shape of dstack's server config.yml:
/// <c>project_id</c>, <c>creds</c> (<c>type: default</c>, Application Default Credentials; or
/// <c>type: service_account</c> with <c>filename</c>, a key file), <c>regions</c>, <c>vpc_name</c>, <c>subnet</c>,
/// <c>public_ips</c> and <c>tags</c> (labels on every instance).
/// </summary>
public sealed partial record GcpSettings
{
    public static readonly IReadOnlyList<string> Keys = ["project_id", "creds", "regions", "vpc_name", "subnet", "public_ips", "tags"];

    /// <summary>The Google Cloud project instances are created in (<c>my-project-123</c>).</summary>
    public string ProjectId { get; init; } = string.Empty;

    /// <summary>The service-account key file; null for Application Default Credentials.</summary>
    public string? ServiceAccountFile { get; init; }

    /// <summary>The regions runs may use; null for every region of the catalog.</summary>
    public IReadOnlyList<string>? Regions { get; init; }

    /// <summary>The VPC network's name (dstack's default: <c>default</c>).</summary>
    public string VpcName { get; init; } = "default";

    /// <summary>The subnetwork's name; null for the network's subnet in the instance's region.</summary>
    public string? Subnet { get; init; }

    /// <summary>Whether instances get external addresses (dstack's default: true); false reaches them at their internal ones.</summary>
    public bool PublicIps { get; init; } = true;

    /// <summary>Labels put on every instance, besides dstack's own.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Reads the entry; every problem is reported at its place with the value, the rule and the fix, and makes the
    /// result null (a half-read cloud account is never used).
    /// </summary>
    /// <param name="entry">The entry.</param>
    /// <param name="diagnostics">Where problems go.</param>
    /// <param name="configFolder">The folder of config.yml: a relative <c>filename</c> is read from there.</param>
    public static GcpSettings? Read(BackendEntry entry, DiagnosticBag diagnostics, string? configFolder = null)
    {
        var valid = entry.HasOnlyKeys(Keys, diagnostics);
        var node = entry.Node;
        var project = Text(node, "project_id", diagnostics, ref valid);
        if (project is null)
        {
            if (node["project_id"] is null)
            {
                diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, entry.Span, "the gcp backend has no project_id; add `project_id: my-project` (the id of the Google Cloud project, as `gcloud projects list` shows it)");
            }

            valid = false;
        }
        else if (!ProjectIdPattern().IsMatch(project))
        {
            diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, node["project_id"]!.Span, $"project_id `{project}` is not a Google Cloud project id (6 to 30 lowercase letters, digits and hyphens, starting with a letter); write the project's id, not its name or number");
            valid = false;
        }

        var settings = new GcpSettings
        {
            ProjectId = project ?? string.Empty,
            ServiceAccountFile = ReadCreds(node, entry, configFolder, diagnostics, ref valid),
            Regions = ReadRegions(node["regions"], diagnostics, ref valid),
            VpcName = Name(node, "vpc_name", "a VPC network", diagnostics, ref valid) ?? "default",
            Subnet = Name(node, "subnet", "a subnetwork", diagnostics, ref valid),
            PublicIps = Bool(node, "public_ips", true, diagnostics, ref valid),
            Tags = ReadLabels(node, diagnostics, ref valid),
        };
        return valid ? settings : null;
    }

    private static string? ReadCreds(YamlMapping node, BackendEntry entry, string? configFolder, DiagnosticBag diagnostics, ref bool valid)
    {
        if (Creds(node, entry, "the gcp backend has no creds; add `creds: {type: default}` (Application Default Credentials: GOOGLE_APPLICATION_CREDENTIALS or `gcloud auth application-default login`) or `creds: {type: service_account, filename: key.json}`", "a mapping: `type: default`, or `type: service_account` with filename", diagnostics, ref valid) is not var (mapping, type))
        {
            return null;
        }

        switch (type?.Value)
        {
            case "default":
                UnknownKeys(mapping, key => key == "type", key => $"`{key}` is not a setting of `creds: {{type: default}}`, which reads Application Default Credentials; remove it, or write `type: service_account` with filename", diagnostics, ref valid);
                return null;
            case "service_account":
                UnknownKeys(mapping, key => key is "type" or "filename", key => $"`{key}` is not a setting of `creds: {{type: service_account}}`; {(key == "data" ? "this version reads the key from a file: save the JSON and name it in filename" : "its key is filename (the service account's JSON key file)")}", diagnostics, ref valid);
                if (Text(mapping, "filename", diagnostics, ref valid) is not { } filename)
                {
                    diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, mapping.Span, "`creds: {type: service_account}` needs filename: the path of the service account's JSON key file (IAM > Service accounts > Keys)");
                    valid = false;
                    return null;
                }

                var expanded = filename.StartsWith("~/", StringComparison.Ordinal)
                    ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), filename[2..])
                    : filename;
                return Path.GetFullPath(expanded, configFolder ?? Directory.GetCurrentDirectory());
            default:
                UnknownCredsType(mapping, type, "write `type: default` (Application Default Credentials) or `type: service_account` with filename", diagnostics, ref valid);
                return null;
        }
    }

    private static IReadOnlyList<string>? ReadRegions(YamlNode? node, DiagnosticBag diagnostics, ref bool valid) =>
        Regions(node, "a list of Google Cloud regions, such as [us-central1, europe-west4]", RegionPattern().IsMatch, NotARegion, diagnostics, ref valid);

    private static string NotARegion(string shown, string? text)
    {
        var zone = text is not null && ZonePattern().IsMatch(text) ? $" (that is a zone; write its region {text[..text.LastIndexOf('-')]})" : string.Empty;
        return $"{shown} is not a Google Cloud region{zone}; write one such as us-central1 or europe-west4";
    }

    private static IReadOnlyDictionary<string, string> ReadLabels(YamlMapping mapping, DiagnosticBag diagnostics, ref bool valid)
    {
        var node = mapping["tags"];
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is null || node is YamlScalar { IsNull: true })
        {
            return result;
        }

        if (node is not YamlMapping map)
        {
            diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, node.Span, $"tags is {node.Describe()}; it must be a mapping of label names to values, such as `team: research`");
            valid = false;
            return result;
        }

        foreach (var item in map.Entries)
        {
            if (!LabelKeyPattern().IsMatch(item.Key.Value))
            {
                diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, item.Key.Span, $"tags: `{item.Key.Value}` is not a Compute Engine label key (up to 63 lowercase letters, digits, - and _, starting with a letter); write it in lowercase, such as {item.Key.Value.ToLowerInvariant()}");
                valid = false;
            }
            else if (item.Value is not YamlScalar { IsNull: false } value || !LabelValuePattern().IsMatch(value.Value))
            {
                var shown = item.Value is YamlScalar { IsNull: false } s ? $"`{s.Value}`" : item.Value.Describe();
                diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, item.Value.Span, $"tags.{item.Key.Value} is {shown}; a Compute Engine label value is up to 63 lowercase letters, digits, - and _");
                valid = false;
            }
            else
            {
                result[item.Key.Value] = value.Value;
            }
        }

        return result;
    }

    private static string? Name(YamlMapping mapping, string key, string what, DiagnosticBag diagnostics, ref bool valid)
    {
        var name = Text(mapping, key, diagnostics, ref valid);
        if (name is not null && !ResourceNamePattern().IsMatch(name))
        {
            diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, mapping[key]!.Span, $"{key} `{name}` is not the name of {what} (up to 63 lowercase letters, digits and hyphens, starting with a letter); write the name, not its URL");
            valid = false;
            return null;
        }

        return name;
    }

    [GeneratedRegex(@"^[a-z][a-z0-9-]{4,28}[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex ProjectIdPattern();

    /// <summary>A region as Google writes them: <c>us-central1</c>, <c>northamerica-northeast2</c>.</summary>
    [GeneratedRegex(@"^[a-z]+-[a-z]+[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex RegionPattern();

    [GeneratedRegex(@"^[a-z]+-[a-z]+[0-9]+-[a-z]$", RegexOptions.CultureInvariant)]
    private static partial Regex ZonePattern();

    [GeneratedRegex(@"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex ResourceNamePattern();

    [GeneratedRegex(@"^[a-z][a-z0-9_-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex LabelKeyPattern();

    [GeneratedRegex(@"^[a-z0-9_-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex LabelValuePattern();
}
