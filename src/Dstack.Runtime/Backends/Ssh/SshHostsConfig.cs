using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Yaml;

namespace Dstack.Runtime.Backends.Ssh;

/// <summary>
/// The SSH hosts of the pool, kept in <c>$DSTACK_HOME/config.yml</c> under <c>ssh_hosts:</c>. The file may hold other
/// settings: writing replaces only the <c>ssh_hosts</c> block and keeps every other key, comment and blank line as
/// written. A malformed file is reported with file, line and column and is never overwritten.
/// </summary>
/// <param name="Path">The file.</param>
/// <param name="Hosts">The hosts, in file order.</param>
/// <param name="Text">The file's text when it was read (empty when it did not exist).</param>
public sealed partial record SshHostsConfig(string Path, IReadOnlyList<SshHost> Hosts, string Text)
{
    /// <summary>The key of the hosts list in config.yml.</summary>
    public const string HostsKey = "ssh_hosts";

    public SshHost? Find(string name) => Hosts.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.Ordinal));

    /// <summary>Reads the file; a missing file is an empty pool. Problems come back as diagnostics naming the file.</summary>
    public static SshHostsConfig Read(string path, out IReadOnlyList<Diagnostic> problems)
    {
        var diagnostics = new DiagnosticBag(path);
        string text;
        try
        {
            text = File.Exists(path) ? File.ReadAllText(path) : string.Empty;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Error(DiagnosticCodes.HostsConfigInvalid, SourceSpan.FileStart, $"{path} cannot be read: {e.Message}; check its permissions");
            problems = diagnostics.ToSortedList();
            return new SshHostsConfig(path, [], string.Empty);
        }

        var root = YamlTreeReader.Read(text, diagnostics);
        var hosts = diagnostics.HasErrors ? [] : ReadHosts(root, diagnostics);
        problems = diagnostics.ToSortedList();
        return new SshHostsConfig(path, diagnostics.HasErrors ? [] : hosts, text);
    }

    /// <summary>
    /// Writes <paramref name="hosts"/> in place of the file's <c>ssh_hosts</c> block, atomically (a temporary file
    /// beside it, then a rename), so a reader never sees half a file. Returns the problem when it cannot.
    /// </summary>
    public Diagnostic? Write(IReadOnlyList<SshHost> hosts)
    {
        var diagnostics = new DiagnosticBag(Path);
        var root = YamlTreeReader.Read(Text, diagnostics);
        if (diagnostics.HasErrors)
        {
            return diagnostics.ToSortedList()[0];
        }

        if (root is YamlMapping { Span: var span } && span.Start < Text.Length && Text[span.Start] == '{')
        {
            return new Diagnostic(
                DiagnosticCodes.HostsConfigInvalid, DiagnosticSeverity.Error,
                "config.yml is written as one {...} mapping; dstack edits only block-style files (one `key: value` per line): rewrite it that way",
                span, Path);
        }

        var updated = Splice(root as YamlMapping, Render(hosts));
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

    /// <summary>The text with the <c>ssh_hosts</c> entry replaced by <paramref name="block"/>, or the block appended.</summary>
    private string Splice(YamlMapping? root, string block)
    {
        var entries = root?.Entries ?? [];
        var index = entries.ToList().FindIndex(e => e.Key.Value == HostsKey);
        if (index < 0)
        {
            var separator = Text.Length == 0 || Text.EndsWith('\n') ? string.Empty : "\n";
            return Text + separator + block;
        }

        var start = LineStart(entries[index].Key.Span.Start);
        var end = LineEnd(Math.Max(entries[index].Value.Span.End, entries[index].Key.Span.End));
        if (index + 1 < entries.Count)
        {
            end = Math.Min(end, LineStart(entries[index + 1].Key.Span.Start));
        }

        return string.Concat(Text.AsSpan(0, start), block, Text.AsSpan(end));
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
}
