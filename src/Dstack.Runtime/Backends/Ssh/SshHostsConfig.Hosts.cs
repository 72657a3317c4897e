using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Names;
using Dstack.Runtime.Yaml;
using Dstack.Runtime.Ssh;

namespace Dstack.Runtime.Backends.Ssh;

/// <summary>The pool's hosts in config.yml: their rules when read, their text when written.</summary>
public sealed partial record SshHostsConfig
{
    private static readonly string[] HostKeys = ["name", "user", "host", "port", "identity_file", "proxy_jump"];

    private static readonly JsonWriterOptions Quoting = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Where hosts of the <c>- type: ssh</c> entry are, in messages.</summary>
    private const string EntryPlace = "`hosts` of the ssh backend";

    /// <summary>Where hosts of the old top-level list are, in messages.</summary>
    private const string OldPlace = "`" + OldHostsKey + "`";

    /// <summary>
    /// The hosts of <c>backends: [- type: ssh, hosts: ...]</c>, then those of the old top-level <c>ssh_hosts:</c>.
    /// A name is unique across both; a second use is an error that names both places.
    /// </summary>
    public static IReadOnlyList<SshHost> ReadHosts(BackendsConfig config, DiagnosticBag diagnostics)
    {
        var hosts = new List<SshHost>();
        var places = new Dictionary<string, (string Place, SourceSpan Span)>(StringComparer.Ordinal);
        if (config.Find(SshBackend.BackendName) is { } entry)
        {
            entry.HasOnlyKeys([HostsKey], diagnostics);
            ReadList(entry.Node[HostsKey], EntryPlace, diagnostics, hosts, places);
        }

        ReadList(config.Root?[OldHostsKey], OldPlace, diagnostics, hosts, places);
        return hosts;
    }

    private static void ReadList(YamlNode? list, string place, DiagnosticBag diagnostics, List<SshHost> hosts, Dictionary<string, (string Place, SourceSpan Span)> places)
    {
        if (list is null || list is YamlScalar { IsNull: true })
        {
            return;
        }

        if (list is not YamlSequence sequence)
        {
            diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, list.Span, $"{place} is {list.Describe()}; it must be a list of hosts, each `- name: ..., user: ..., host: ...` (dstack pool add-ssh writes them)");
            return;
        }

        foreach (var item in sequence.Items)
        {
            if (ReadHost(item, place, diagnostics) is not { } host)
            {
                continue;
            }

            var nameNode = ((YamlMapping)item)["name"]!;
            if (places.TryGetValue(host.Name, out var first))
            {
                var message = first.Place == place
                    ? $"the host name {host.Name} is used twice in {place} (first on line {first.Span.StartLine}); names must be unique: rename or remove one"
                    : $"the host name {host.Name} is in both {first.Place} (line {first.Span.StartLine}) and {place} (line {nameNode.Span.StartLine}); names must be unique across both: rename or remove one";
                diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, nameNode.Span, message);
                continue;
            }

            places[host.Name] = (place, nameNode.Span);
            hosts.Add(host);
        }
    }

    private static SshHost? ReadHost(YamlNode item, string place, DiagnosticBag diagnostics)
    {
        if (item is not YamlMapping entry)
        {
            diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, item.Span, $"an item of {place} is {item.Describe()}; each must be a mapping with name, user and host");
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

    /// <summary>
    /// A new <c>backends:</c> block that holds only the SSH pool, for a file without one.
    /// </summary>
    private static string RenderBackends(IReadOnlyList<SshHost> hosts) =>
        $"{BackendsConfig.Key}:\n  - {BackendsConfig.TypeKey}: {SshBackend.BackendName}\n    {Render(hosts, "    ")}";

    /// <summary>
    /// The <c>hosts:</c> entry, every string double-quoted (JSON escapes are valid YAML) so no value changes meaning.
    /// Its first line has no indentation (it goes where the key is); the others are indented by <paramref name="indent"/>.
    /// </summary>
    private static string Render(IReadOnlyList<SshHost> hosts, string indent)
    {
        if (hosts.Count == 0)
        {
            return $"{HostsKey}: []\n";
        }

        var text = new StringBuilder($"{HostsKey}:\n");
        foreach (var host in hosts)
        {
            text.Append(CultureInfo.InvariantCulture, $"{indent}  - name: {Quote(host.Name)}\n");
            text.Append(CultureInfo.InvariantCulture, $"{indent}    user: {Quote(host.User)}\n");
            text.Append(CultureInfo.InvariantCulture, $"{indent}    host: {Quote(host.Host)}\n");
            if (host.Port is { } port)
            {
                text.Append(CultureInfo.InvariantCulture, $"{indent}    port: {port}\n");
            }

            if (host.IdentityFile is { } identity)
            {
                text.Append(CultureInfo.InvariantCulture, $"{indent}    identity_file: {Quote(identity)}\n");
            }

            if (host.ProxyJump is { } jump)
            {
                text.Append(CultureInfo.InvariantCulture, $"{indent}    proxy_jump: {Quote(jump)}\n");
            }
        }

        return text.ToString();
    }

    /// <summary>A JSON string literal (valid YAML too), written without the serializer so a native build needs no metadata.</summary>
    private static string Quote(string value)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Quoting))
        {
            writer.WriteStringValue(value);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
