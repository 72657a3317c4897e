using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Yaml;

namespace Dstack.Runtime.Backends;

/// <summary>
/// The <c>backends:</c> list of <c>$DSTACK_HOME/config.yml</c>, as dstack's server config writes it: each item a
/// mapping with <c>type:</c> and the settings of that type.
/// <code>
/// backends:
///   - type: ssh
///     hosts:
///       - name: gpu1
///         user: ubuntu
///         host: 10.0.0.5
///   - type: local
///     enabled: false
/// </code>
/// Only the shape is checked here (a list of mappings, each with one type, no type twice); which types exist and
/// what each entry holds is for <see cref="BackendRegistry"/> and the backend of that type.
/// </summary>
/// <param name="Path">The file.</param>
/// <param name="Text">Its text (empty when it does not exist or cannot be read).</param>
/// <param name="Root">Its top-level mapping, or null when it is empty or malformed.</param>
/// <param name="Entries">The items of <c>backends:</c> that have a type, in file order.</param>
public sealed record BackendsConfig(string Path, string Text, YamlMapping? Root, IReadOnlyList<BackendEntry> Entries)
{
    /// <summary>The top-level key of the list.</summary>
    public const string Key = "backends";

    /// <summary>The key of each item that names its backend type.</summary>
    public const string TypeKey = "type";

    /// <summary>The entry of <paramref name="type"/>, or null when the list has none.</summary>
    public BackendEntry? Find(string type) => Entries.FirstOrDefault(e => string.Equals(e.Type, type, StringComparison.Ordinal));

    /// <summary>Reads the file; a missing file has no entries. Problems are added to <paramref name="diagnostics"/>.</summary>
    public static BackendsConfig Read(string path, DiagnosticBag diagnostics)
    {
        string text;
        try
        {
            text = File.Exists(path) ? File.ReadAllText(path) : string.Empty;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, SourceSpan.FileStart, $"{path} cannot be read: {e.Message}; check its permissions");
            return new BackendsConfig(path, string.Empty, null, []);
        }

        return Parse(path, text, diagnostics);
    }

    /// <summary>Reads <paramref name="text"/> as the content of <paramref name="path"/>.</summary>
    public static BackendsConfig Parse(string path, string text, DiagnosticBag diagnostics)
    {
        var root = YamlTreeReader.Read(text, diagnostics);
        if (diagnostics.HasErrors || root is null || root is YamlScalar { IsNull: true })
        {
            return new BackendsConfig(path, text, null, []);
        }

        if (root is not YamlMapping settings)
        {
            diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, root.Span, $"config.yml holds {root.Describe()}; it must be a mapping of settings, such as `{Key}:` followed by a list of backends");
            return new BackendsConfig(path, text, null, []);
        }

        return new BackendsConfig(path, text, settings, ReadEntries(settings[Key], diagnostics));
    }

    private static List<BackendEntry> ReadEntries(YamlNode? list, DiagnosticBag diagnostics)
    {
        var entries = new List<BackendEntry>();
        if (list is null || list is YamlScalar { IsNull: true })
        {
            return entries;
        }

        if (list is not YamlSequence sequence)
        {
            diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, list.Span, $"`{Key}` is {list.Describe()}; it must be a list of backends, each a mapping with `{TypeKey}:`, such as `- {TypeKey}: ssh`");
            return entries;
        }

        foreach (var item in sequence.Items)
        {
            if (item is not YamlMapping mapping)
            {
                diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, item.Span, $"an item of `{Key}` is {item.Describe()}; each must be a mapping with `{TypeKey}:`, such as `- {TypeKey}: ssh`");
                continue;
            }

            var type = mapping[TypeKey];
            if (type is null || type is YamlScalar { IsNull: true })
            {
                diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, mapping.Span, $"an item of `{Key}` has no `{TypeKey}`; write which backend it configures, such as `{TypeKey}: ssh`");
                continue;
            }

            if (type is not YamlScalar { Value.Length: > 0 } name)
            {
                diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, type.Span, $"`{TypeKey}` is {type.Describe()}; it must be a backend type name, such as ssh");
                continue;
            }

            if (entries.FirstOrDefault(e => e.Type == name.Value) is { } first)
            {
                diagnostics.Error(
                    DiagnosticCodes.HostsConfigInvalid,
                    name.Span,
                    $"the backend type {name.Value} is configured twice in `{Key}` (first on line {first.Span.StartLine}); each type may appear once: merge the two entries");
                continue;
            }

            entries.Add(new BackendEntry(name.Value, mapping, name.Span));
        }

        return entries;
    }
}
