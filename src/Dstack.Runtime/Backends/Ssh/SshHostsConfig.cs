using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Yaml;
using Dstack.Runtime.Ssh;

namespace Dstack.Runtime.Backends.Ssh;

/// <summary>
/// The SSH hosts of the pool, kept in <c>$DSTACK_HOME/config.yml</c> as the <c>hosts:</c> of the <c>- type: ssh</c>
/// entry of <c>backends:</c>. The old top-level <c>ssh_hosts:</c> list is still read; the first write moves its hosts
/// into the entry and removes the old key. The file may hold other settings: writing replaces only the pool's hosts
/// and keeps every other key, comment and blank line as written. A malformed file is reported with file, line and
/// column and is never overwritten.
/// </summary>
/// <param name="Path">The file.</param>
/// <param name="Hosts">The hosts, those of <c>backends:</c> first, each list in file order.</param>
/// <param name="Text">The file's text when it was read (empty when it did not exist).</param>
public sealed partial record SshHostsConfig(string Path, IReadOnlyList<SshHost> Hosts, string Text)
{
    /// <summary>The key of the hosts list in the <c>- type: ssh</c> entry.</summary>
    public const string HostsKey = "hosts";

    /// <summary>The old top-level key of the hosts list, read for compatibility and removed by the first write.</summary>
    public const string OldHostsKey = "ssh_hosts";

    /// <summary>True when the file still has the old top-level <c>ssh_hosts:</c> (the next write moves it under <c>backends:</c>).</summary>
    public bool HasOldHostsKey { get; init; }

    public SshHost? Find(string name) => Hosts.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.Ordinal));

    /// <summary>Reads the file; a missing file is an empty pool. Problems come back as diagnostics naming the file.</summary>
    public static SshHostsConfig Read(string path, out IReadOnlyList<Diagnostic> problems)
    {
        var diagnostics = new DiagnosticBag(path);
        var config = BackendsConfig.Read(path, diagnostics);
        var hosts = diagnostics.HasErrors ? [] : ReadHosts(config, diagnostics);
        problems = diagnostics.ToSortedList();
        return new SshHostsConfig(path, diagnostics.HasErrors ? [] : hosts, config.Text) { HasOldHostsKey = config.Root?.Find(OldHostsKey) is not null };
    }

    /// <summary>
    /// Writes <paramref name="hosts"/> as the pool's hosts, atomically (a temporary file beside it, then a rename), so a
    /// reader never sees half a file. The <c>- type: ssh</c> entry's <c>hosts:</c> is replaced (the entry, or the whole
    /// <c>backends:</c> list, is added when missing) and the old <c>ssh_hosts:</c> is removed. Returns the problem when
    /// it cannot.
    /// </summary>
    public Diagnostic? Write(IReadOnlyList<SshHost> hosts)
    {
        var diagnostics = new DiagnosticBag(Path);
        var config = BackendsConfig.Parse(Path, Text, diagnostics);
        if (diagnostics.HasErrors)
        {
            return diagnostics.ToSortedList().First(d => d.IsError);
        }

        if (Edits(config, hosts, out var problem) is not { } edits)
        {
            return problem;
        }

        var updated = Text;
        foreach (var edit in edits.OrderByDescending(e => e.Start))
        {
            updated = string.Concat(updated.AsSpan(0, edit.Start), edit.Text, updated.AsSpan(edit.End));
        }

        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
        var temporary = System.IO.Path.Combine(folder, $".config.yml.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(temporary, updated);
            File.Move(temporary, Path, overwrite: true);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            return new Diagnostic(DiagnosticCodes.HostsConfigInvalid, DiagnosticSeverity.Error, $"{Path} cannot be written: {e.Message}; check that $DSTACK_HOME is writable", SourceSpan.FileStart, Path);
        }
    }

    /// <summary>The changes to the text that write <paramref name="hosts"/>; null with the problem when the file's layout cannot be edited.</summary>
    private List<TextEdit>? Edits(BackendsConfig config, IReadOnlyList<SshHost> hosts, out Diagnostic? problem)
    {
        problem = null;
        var root = config.Root;
        if (root is not null && IsFlow(root, '{'))
        {
            problem = BlockStyleOnly(root.Span, "config.yml is written as one {...} mapping");
            return null;
        }

        var edits = new List<TextEdit>();
        var old = root?.Find(OldHostsKey);
        var list = root?.Find(BackendsConfig.Key);
        if (list is null || list.Value is YamlScalar { IsNull: true } || list.Value is YamlSequence { Items.Count: 0 })
        {
            // No list yet: a new one takes the place of the old key, or of an empty list, or goes at the end.
            var block = RenderBackends(hosts);
            if ((list ?? old) is { } replaced)
            {
                edits.Add(new TextEdit(replaced.Key.Span.Start, EntryEnd(root!, replaced), block));
                old = ReferenceEquals(replaced, old) ? null : old;
            }
            else
            {
                edits.Add(Insert(Text.Length, block));
            }
        }
        else
        {
            var sequence = (YamlSequence)list.Value;
            if (IsFlow(sequence, '['))
            {
                problem = BlockStyleOnly(sequence.Span, $"`{BackendsConfig.Key}` is written as one [...] list");
                return null;
            }

            if (config.Find(SshBackend.BackendName) is { } entry)
            {
                if (IsFlow(entry.Node, '{'))
                {
                    problem = BlockStyleOnly(entry.Node.Span, "the ssh entry of `backends` is written as one {...} mapping");
                    return null;
                }

                var indent = new string(' ', entry.Node.Span.StartColumn - 1);
                edits.Add(entry.Node.Find(HostsKey) is { } hostsEntry
                    ? new TextEdit(hostsEntry.Key.Span.Start, EntryEnd(entry.Node, hostsEntry), Render(hosts, indent))
                    : Insert(LineEnd(entry.Node.Span.End), indent + Render(hosts, indent)));
            }
            else
            {
                var dash = new string(' ', DashColumn(sequence.Items[0]));
                edits.Add(Insert(LineEnd(sequence.Span.End), $"{dash}- {BackendsConfig.TypeKey}: {SshBackend.BackendName}\n{dash}  {Render(hosts, dash + "  ")}"));
            }
        }

        if (old is not null)
        {
            edits.Add(new TextEdit(LineStart(old.Key.Span.Start), EntryEnd(root!, old), string.Empty));
        }

        return edits;
    }

    private bool IsFlow(YamlNode node, char opening) => node.Span.Start < Text.Length && Text[node.Span.Start] == opening;

    private Diagnostic BlockStyleOnly(SourceSpan span, string what) => new(
        DiagnosticCodes.HostsConfigInvalid, DiagnosticSeverity.Error,
        $"{what}; dstack edits only block-style YAML (one `key: value` per line, one `- item` per line): rewrite it that way",
        span, Path);

    /// <summary>Text put at <paramref name="offset"/>, on a line of its own.</summary>
    private TextEdit Insert(int offset, string text) =>
        new(offset, offset, offset > 0 && Text[offset - 1] != '\n' ? "\n" + text : text);

    /// <summary>Where <paramref name="entry"/> of <paramref name="mapping"/> ends: after its value's last line, before the next key's line.</summary>
    private int EntryEnd(YamlMapping mapping, YamlEntry entry)
    {
        var end = LineEnd(Math.Max(entry.Value.Span.End, entry.Key.Span.End));
        var next = mapping.Entries.Select(e => e.Key.Span.Start).Where(s => s > entry.Key.Span.Start).DefaultIfEmpty(int.MaxValue).Min();
        return next == int.MaxValue ? end : Math.Min(end, LineStart(next));
    }

    /// <summary>The column (0-based) of the <c>-</c> that starts a list item, so a new item lines up with it.</summary>
    private int DashColumn(YamlNode item)
    {
        var start = LineStart(item.Span.Start);
        var dash = Text.AsSpan(start, item.Span.Start - start).LastIndexOf('-');
        return dash >= 0 ? dash : Math.Max(0, item.Span.StartColumn - 3);
    }

    private int LineStart(int offset)
    {
        var newline = offset == 0 ? -1 : Text.LastIndexOf('\n', Math.Min(offset, Text.Length) - 1);
        return newline + 1;
    }

    /// <summary>The offset just after the line that holds <paramref name="offset"/> (a value that ends at a line start ends there).</summary>
    private int LineEnd(int offset)
    {
        if (offset >= Text.Length || (offset > 0 && Text[offset - 1] == '\n'))
        {
            return Math.Min(offset, Text.Length);
        }

        var newline = Text.IndexOf('\n', offset);
        return newline < 0 ? Text.Length : newline + 1;
    }

    /// <summary>A change to the text: <see cref="Text"/> in place of the characters from <see cref="Start"/> to <see cref="End"/>.</summary>
    private readonly record struct TextEdit(int Start, int End, string Text);
}
