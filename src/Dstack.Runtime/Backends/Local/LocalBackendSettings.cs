using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Yaml;

namespace Dstack.Runtime.Backends.Local;

/// <summary>
/// The <c>- type: local</c> entry of config.yml's <c>backends:</c>. It is optional: this machine is a backend unless
/// the entry says <c>enabled: false</c> (then runs go only to the other backends).
/// </summary>
public static class LocalBackendSettings
{
    /// <summary>The key that switches this machine off or on.</summary>
    public const string EnabledKey = "enabled";

    /// <summary>
    /// Whether this machine is a backend: true without an entry or <c>enabled:</c>, and for a value that is not a
    /// boolean (reported), so that a typo never takes this machine away. Unknown keys are reported.
    /// </summary>
    public static bool IsEnabled(BackendEntry? entry, DiagnosticBag diagnostics)
    {
        if (entry is null)
        {
            return true;
        }

        entry.HasOnlyKeys([EnabledKey], diagnostics);
        var node = entry.Node[EnabledKey];
        if (node is null || node is YamlScalar { IsNull: true })
        {
            return true;
        }

        if (node is YamlScalar scalar && scalar.TryGetBool(out var enabled))
        {
            return enabled;
        }

        diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, node.Span, $"`{EnabledKey}` of the local backend is {node.Describe()}; it must be true or false (false leaves this machine out)");
        return true;
    }
}
