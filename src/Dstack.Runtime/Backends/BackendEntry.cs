using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Yaml;

namespace Dstack.Runtime.Backends;

/// <summary>
/// One item of the <c>backends:</c> list of <c>$DSTACK_HOME/config.yml</c>: its type and the mapping that holds its
/// settings, which the backend of that type reads itself (an SSH pool its <c>hosts</c>, a cloud its credentials).
/// </summary>
/// <param name="Type">The value of <c>type:</c>, such as <c>ssh</c>.</param>
/// <param name="Node">The whole item, <c>type</c> included.</param>
/// <param name="Span">Where the <c>type</c> value is written, for messages about the entry as a whole.</param>
public sealed record BackendEntry(string Type, YamlMapping Node, SourceSpan Span)
{
    /// <summary>
    /// Reports every key of the entry that is not <c>type</c> or one of <paramref name="keys"/>, with the nearest one
    /// as a suggestion. Returns false when there was one.
    /// </summary>
    public bool HasOnlyKeys(IReadOnlyList<string> keys, DiagnosticBag diagnostics)
    {
        var valid = true;
        string[] allowed = [BackendsConfig.TypeKey, .. keys];
        foreach (var unknown in Node.Entries.Where(e => !allowed.Contains(e.Key.Value, StringComparer.Ordinal)))
        {
            var best = DidYouMean.Find(unknown.Key.Value, allowed);
            var hint = best is not null ? $"did you mean {best}?" : $"its keys are {string.Join(", ", allowed)}";
            diagnostics.Error(
                DiagnosticCodes.HostsConfigInvalid,
                unknown.Key.Span,
                $"`{unknown.Key.Value}` is not a setting of the {Type} backend; {hint}",
                best is not null ? new Suggestion(unknown.Key.Span, best) : null);
            valid = false;
        }

        return valid;
    }
}
