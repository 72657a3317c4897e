using System.Text.RegularExpressions;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Yaml;
using static Dstack.Runtime.Backends.BackendEntryValues;

namespace Dstack.Runtime.Backends.Aws;

/// <summary>
/// The <c>- type: aws</c> entry of config.yml's <c>backends:</c>, in the shape of dstack's server config.yml:
/// <c>creds</c> (<c>type: default</c>, the SDK's own chain; or <c>type: access_key</c> with <c>access_key</c> and
/// <c>secret_key</c>), <c>regions</c>, <c>vpc_name</c> or <c>vpc_ids</c> (region → VPC id), <c>default_vpcs</c>,
/// <c>public_ips</c>, <c>tags</c> and <c>os_images</c> (<c>cpu</c>/<c>nvidia</c>: <c>name</c>, <c>owner</c>, <c>user</c>).
/// </summary>
public sealed record AwsSettings
{
    public static readonly IReadOnlyList<string> Keys = ["creds", "regions", "vpc_name", "vpc_ids", "default_vpcs", "public_ips", "tags", "os_images"];

    /// <summary>Null for the SDK's default chain (environment, profiles, SSO, instance metadata).</summary>
    public AwsAccessKey? AccessKey { get; init; }

    /// <summary>The regions runs may use; null for every region of the catalog.</summary>
    public IReadOnlyList<string>? Regions { get; init; }

    public string? VpcName { get; init; }

    public IReadOnlyDictionary<string, string> VpcIds { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether a region without <see cref="VpcIds"/> uses its default VPC (dstack's default: true).</summary>
    public bool DefaultVpcs { get; init; } = true;

    /// <summary>Whether instances get public addresses (dstack's default: true); false reaches them at their private ones.</summary>
    public bool PublicIps { get; init; } = true;

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    public AwsOsImage? CpuImage { get; init; }

    public AwsOsImage? NvidiaImage { get; init; }

    /// <summary>
    /// Reads the entry; every problem is reported at its place with the value, the rule and the fix, and makes the
    /// result null (a half-read cloud account is never used).
    /// </summary>
    public static AwsSettings? Read(BackendEntry entry, DiagnosticBag diagnostics)
    {
        var valid = entry.HasOnlyKeys(Keys, diagnostics);
        var node = entry.Node;
        var settings = new AwsSettings
        {
            AccessKey = ReadCreds(node, entry, diagnostics, ref valid),
            Regions = ReadRegions(node["regions"], diagnostics, ref valid),
            VpcName = Text(node, "vpc_name", diagnostics, ref valid),
            VpcIds = Map(node, "vpc_ids", "a mapping of region to VPC id, such as `us-east-1: vpc-0a1b2c3d`", diagnostics, ref valid),
            DefaultVpcs = Bool(node, "default_vpcs", true, diagnostics, ref valid),
            PublicIps = Bool(node, "public_ips", true, diagnostics, ref valid),
            Tags = Map(node, "tags", "a mapping of tag names to values, such as `team: research`", diagnostics, ref valid),
        };
        if (settings.VpcName is not null && settings.VpcIds.Count > 0)
        {
            diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, node["vpc_ids"]!.Span, "the aws backend takes vpc_name or vpc_ids, not both: keep vpc_name (one VPC name in every region) or vpc_ids (a VPC id per region)");
            valid = false;
        }

        if (node["os_images"] is { } images && images is not YamlScalar { IsNull: true })
        {
            if (images is YamlMapping mapping)
            {
                foreach (var unknown in mapping.Entries.Where(e => e.Key.Value is not "cpu" and not "nvidia"))
                {
                    diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, unknown.Key.Span, $"`{unknown.Key.Value}` is not a kind of os_images; write cpu (for instances without GPUs) or nvidia (with NVIDIA GPUs)");
                    valid = false;
                }

                settings = settings with
                {
                    CpuImage = ReadImage(mapping["cpu"], "cpu", diagnostics, ref valid),
                    NvidiaImage = ReadImage(mapping["nvidia"], "nvidia", diagnostics, ref valid),
                };
            }
            else
            {
                diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, images.Span, $"os_images is {images.Describe()}; it must be a mapping with cpu and/or nvidia, each `name: AMI name, user: login user`");
                valid = false;
            }
        }

        return valid ? settings : null;
    }

    private static AwsAccessKey? ReadCreds(YamlMapping node, BackendEntry entry, DiagnosticBag diagnostics, ref bool valid)
    {
        if (Creds(node, entry, "the aws backend has no creds; add `creds: {type: default}` (the AWS SDK's own chain: environment, ~/.aws profiles, SSO) or `creds: {type: access_key, access_key: ..., secret_key: ...}`", "a mapping: `type: default`, or `type: access_key` with access_key and secret_key", diagnostics, ref valid) is not var (mapping, type))
        {
            return null;
        }

        switch (type?.Value)
        {
            case "default":
                // dstack's AWSDefaultCreds has only `type`: the AWS CLI's way of choosing a profile is the one that works.
                UnknownKeys(mapping, key => key == "type", key => key == "profile"
                    ? $"dstack's AWS config has no profile setting; choose the profile with the environment variable AWS_PROFILE={ProfileNamed(mapping)} (e.g. export AWS_PROFILE={ProfileNamed(mapping)} before dstack), and remove `profile` here"
                    : $"`{key}` is not a setting of `creds: {{type: default}}`, which reads the AWS SDK's own chain; remove it, or write `type: access_key`", diagnostics, ref valid);
                return null;
            case "access_key":
                UnknownKeys(mapping, key => key is "type" or "access_key" or "secret_key", key => $"`{key}` is not a setting of `creds: {{type: access_key}}`; its keys are access_key and secret_key", diagnostics, ref valid);
                var key = Text(mapping, "access_key", diagnostics, ref valid);
                var secret = Text(mapping, "secret_key", diagnostics, ref valid);
                if (key is null || secret is null)
                {
                    diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, mapping.Span, "`creds: {type: access_key}` needs access_key and secret_key (an IAM user's key pair)");
                    valid = false;
                    return null;
                }

                return new AwsAccessKey(key, secret);
            default:
                UnknownCredsType(mapping, type, "write `type: default` (the AWS SDK's own chain) or `type: access_key`", diagnostics, ref valid);
                return null;
        }
    }

    private static string ProfileNamed(YamlMapping creds) => creds["profile"] is YamlScalar { IsNull: false, Value.Length: > 0 } profile ? profile.Value : "NAME";

    /// <summary>A region name as AWS writes them: <c>us-east-1</c>, <c>ap-southeast-2</c>, <c>us-gov-west-1</c>.</summary>
    private static readonly Regex RegionName = new(@"^[a-z]{2}(-[a-z]+)+-\d$", RegexOptions.CultureInvariant);

    private static IReadOnlyList<string>? ReadRegions(YamlNode? node, DiagnosticBag diagnostics, ref bool valid) =>
        Regions(node, "a list of AWS regions, such as [us-east-1, eu-west-1]", RegionName.IsMatch, (shown, _) => $"{shown} is not an AWS region; write one such as us-east-1 or eu-west-1", diagnostics, ref valid);

    private static AwsOsImage? ReadImage(YamlNode? node, string kind, DiagnosticBag diagnostics, ref bool valid)
    {
        if (node is null || node is YamlScalar { IsNull: true })
        {
            return null;
        }

        if (node is not YamlMapping mapping)
        {
            diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, node.Span, $"os_images.{kind} is {node.Describe()}; it must be a mapping: name (the AMI name), user (its login user), and owner (an account id or self)");
            valid = false;
            return null;
        }

        var name = Text(mapping, "name", diagnostics, ref valid);
        var user = Text(mapping, "user", diagnostics, ref valid);
        var owner = Text(mapping, "owner", diagnostics, ref valid) ?? "self";
        // dstack takes an account id or self; EC2 also knows the aliases amazon and aws-marketplace (AWS's own images).
        if (owner is not "self" and not "amazon" and not "aws-marketplace" && !Regex.IsMatch(owner, @"^\d{12}$", RegexOptions.CultureInvariant))
        {
            diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, mapping["owner"]!.Span, $"os_images.{kind}.owner is `{owner}`; it must be an AWS account id (12 digits), self, amazon or aws-marketplace");
            valid = false;
        }

        if (name is null || user is null)
        {
            diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, mapping.Span, $"os_images.{kind} needs name (the AMI name) and user (the login user of the image, such as ubuntu)");
            valid = false;
            return null;
        }

        return new AwsOsImage(name, owner, user);
    }
}

/// <summary>An IAM user's access key; its secret is never written to the state store or a log.</summary>
public sealed record AwsAccessKey(string AccessKeyId, string SecretAccessKey)
{
    /// <summary>Only the key id, never the secret.</summary>
    public override string ToString() => $"access key {AccessKeyId}";
}

/// <summary>An AMI chosen by name (the newest of that name), its owner (an account id or <c>self</c>), and its login user.</summary>
public sealed record AwsOsImage(string Name, string Owner, string User);
