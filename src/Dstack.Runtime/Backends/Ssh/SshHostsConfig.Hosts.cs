using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Names;
using Dstack.Runtime.Yaml;

namespace Dstack.Runtime.Backends.Ssh;

/// <summary>The <c>ssh_hosts</c> list: its rules when read, its text when written.</summary>
public sealed partial record SshHostsConfig
{
    private static readonly string[] HostKeys = ["name", "user", "host", "port", "identity_file", "proxy_jump"];

    private static readonly JsonSerializerOptions Quoting = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static List<SshHost> ReadHosts(YamlNode? root, DiagnosticBag diagnostics)
    {
        var hosts = new List<SshHost>();
        if (root is null || root is YamlScalar { IsNull: true })
        {
            return hosts;
        }

        if (root is not YamlMapping settings)
        {
            diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, root.Span, $"config.yml holds {root.Describe()}; it must be a mapping of settings, such as `{HostsKey}:` followed by a list of hosts");
            return hosts;
        }

        var list = settings[HostsKey];
        if (list is null || list is YamlScalar { IsNull: true })
        {
            return hosts;
        }

        if (list is not YamlSequence sequence)
        {
            diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, list.Span, $"`{HostsKey}` is {list.Describe()}; it must be a list of hosts, each `- name: ..., user: ..., host: ...` (dstack pool add-ssh writes them)");
            return hosts;
        }

        foreach (var item in sequence.Items)
        {
            if (ReadHost(item, diagnostics) is not { } host)
            {
                continue;
            }

            if (hosts.Any(h => h.Name == host.Name))
            {
                var nameNode = ((YamlMapping)item)["name"]!;
                diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, nameNode.Span, $"the host name {host.Name} is used twice in `{HostsKey}`; names must be unique: rename or remove one");
                continue;
            }

            hosts.Add(host);
        }

        return hosts;
    }

    private static SshHost? ReadHost(YamlNode item, DiagnosticBag diagnostics)
    {
        if (item is not YamlMapping entry)
        {
            diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, item.Span, $"an `{HostsKey}` item is {item.Describe()}; each must be a mapping with name, user and host");
            return null;
        }

        var valid = true;
        var misspelled = new HashSet<string>(StringComparer.Ordinal);
        foreach (var unknown in entry.Entries.Where(e => !HostKeys.Contains(e.Key.Value)))
        {
            var best = DidYouMean.Find(unknown.Key.Value, HostKeys);
            var hint = best is not null ? $"did you mean {best}?" : $"the keys are {string.Join(", ", HostKeys)}";
            misspelled.Add(best ?? string.Empty);
            diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, unknown.Key.Span, $"`{unknown.Key.Value}` is not a key of an SSH host; {hint}");
            valid = false;
        }

        var name = StringValue(entry, "name", required: !misspelled.Contains("name"), diagnostics, ref valid);
        var user = StringValue(entry, "user", required: !misspelled.Contains("user"), diagnostics, ref valid);
        var host = StringValue(entry, "host", required: !misspelled.Contains("host"), diagnostics, ref valid);
        var identity = StringValue(entry, "identity_file", required: false, diagnostics, ref valid);
        var jump = StringValue(entry, "proxy_jump", required: false, diagnostics, ref valid);
        int? port = null;
        if (entry["port"] is { } portNode && portNode is not YamlScalar { IsNull: true })
        {
            if (portNode is YamlScalar scalar && scalar.TryGetInt64(out var number) && number is >= SshHost.MinPort and <= SshHost.MaxPort)
            {
                port = (int)number;
            }
            else
            {
                diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, portNode.Span, $"port is {portNode.Describe()}; it must be a whole number from {SshHost.MinPort} to {SshHost.MaxPort}, such as 22");
                valid = false;
            }
        }

        if (name is not null && NameRule.PoolHost.Problem(name) is { } problem)
        {
            diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, entry["name"]!.Span, problem);
            valid = false;
        }

        return valid && name is not null && user is not null && host is not null ? new SshHost(name, user, host, port, identity, jump) : null;
    }

    private static string? StringValue(YamlMapping entry, string key, bool required, DiagnosticBag diagnostics, ref bool valid)
    {
        var node = entry[key];
        if (node is null || node is YamlScalar { IsNull: true })
        {
            if (required)
            {
                diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, entry.Span, $"an SSH host has no `{key}`; each host needs name, user and host");
                valid = false;
            }

            return null;
        }

        if (node is YamlScalar { Value.Length: > 0 } scalar)
        {
            return scalar.Value;
        }

        diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, node.Span, $"`{key}` is {node.Describe()}; it must be a non-empty string");
        valid = false;
        return null;
    }

    /// <summary>The <c>ssh_hosts:</c> block, every string double-quoted (JSON escapes are valid YAML) so no value changes meaning.</summary>
    private static string Render(IReadOnlyList<SshHost> hosts)
    {
        if (hosts.Count == 0)
        {
            return $"{HostsKey}: []\n";
        }

        var text = new StringBuilder($"{HostsKey}:\n");
        foreach (var host in hosts)
        {
            text.Append(CultureInfo.InvariantCulture, $"  - name: {Quote(host.Name)}\n");
            text.Append(CultureInfo.InvariantCulture, $"    user: {Quote(host.User)}\n");
            text.Append(CultureInfo.InvariantCulture, $"    host: {Quote(host.Host)}\n");
            if (host.Port is { } port)
            {
                text.Append(CultureInfo.InvariantCulture, $"    port: {port}\n");
            }

            if (host.IdentityFile is { } identity)
            {
                text.Append(CultureInfo.InvariantCulture, $"    identity_file: {Quote(identity)}\n");
            }

            if (host.ProxyJump is { } jump)
            {
                text.Append(CultureInfo.InvariantCulture, $"    proxy_jump: {Quote(jump)}\n");
            }
        }

        return text.ToString();
    }

    private static string Quote(string value) => JsonSerializer.Serialize(value, Quoting);
}
