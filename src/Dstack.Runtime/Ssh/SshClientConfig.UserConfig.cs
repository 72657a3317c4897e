using System.Text;
using System.Text.RegularExpressions;

namespace Dstack.Runtime.Ssh;

public sealed partial class SshClientConfig
{
    /// <summary>rw------- : ssh refuses config files that others can write, and the entries name the user's keys.</summary>
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode PrivateFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// Makes <c>~/.ssh/config</c> include this file, with <c>Include &lt;absolute path&gt;</c> as its first line (ssh
    /// takes the first value it reads, so dstack's entries win), once: a line that already includes it, anywhere in
    /// the file, is recognised. The rest of the file is kept byte for byte, as is its mode; a missing
    /// <c>~/.ssh</c> (mode 700) or <c>config</c> (mode 600) is created. A symbolic link is followed to its target.
    /// </summary>
    /// <returns>What was done; <see cref="SshConfigInclusion.OptedOut"/> leaves the file untouched.</returns>
    /// <exception cref="IOException">The file cannot be read or written.</exception>
    /// <exception cref="UnauthorizedAccessException">The file or folder belongs to someone else.</exception>
    public SshConfigInclusion EnsureIncluded()
    {
        if (!IncludesInUserConfig)
        {
            return SshConfigInclusion.OptedOut;
        }

        SshCommand.EnsureFolder(Home);
        using var held = Lock();
        var target = UserConfigPath;
        if (Directory.Exists(System.IO.Path.GetDirectoryName(target)) && File.ResolveLinkTarget(target, returnFinalTarget: true) is { } linked)
        {
            target = linked.FullName;
        }

        var original = File.Exists(target) ? File.ReadAllBytes(target) : [];
        if (Includes(Encoding.UTF8.GetString(original)))
        {
            return SshConfigInclusion.AlreadyIncluded;
        }

        var folder = System.IO.Path.GetDirectoryName(target)!;
        if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(folder, PrivateFolder);
            }
        }

        var line = Encoding.UTF8.GetBytes($"Include {Value(Path, tokens: false)}\n" + (original.Length > 0 ? "\n" : string.Empty));
        var mode = File.Exists(target) && !OperatingSystem.IsWindows() ? File.GetUnixFileMode(target) : PrivateFile;
        WriteAtomically(target, [.. line, .. original], mode);
        return SshConfigInclusion.Added;
    }

    /// <summary>Whether an <c>Include</c> line of <paramref name="userConfig"/> names this file (absolute, <c>~/</c> or relative to ~/.ssh).</summary>
    private bool Includes(string userConfig)
    {
        foreach (var raw in userConfig.ReplaceLineEndings("\n").Split('\n'))
        {
            if (IncludeLine().Match(raw) is not { Success: true } include)
            {
                continue;
            }

            foreach (Capture argument in include.Groups["file"].Captures)
            {
                var file = argument.Value.Trim('"', '\'');
                var expanded = file.StartsWith("~/", StringComparison.Ordinal) ? System.IO.Path.Combine(UserHome, file[2..]) : file;
                var full = System.IO.Path.IsPathRooted(expanded) ? expanded : System.IO.Path.Combine(UserHome, ".ssh", expanded);
                if (string.Equals(System.IO.Path.GetFullPath(full), Path, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static string ReadOrEmpty(string path) => File.Exists(path) ? File.ReadAllText(path) : string.Empty;

    /// <summary>Writes a temporary file beside <paramref name="path"/> with <paramref name="mode"/>, then renames it over.</summary>
    private static void WriteAtomically(string path, byte[] content, UnixFileMode mode)
    {
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        var temporary = System.IO.Path.Combine(folder, $".{System.IO.Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = mode;
            }

            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary><c>Include FILE...</c> (keyword in any case, optional <c>=</c>), each file plain or quoted.</summary>
    [GeneratedRegex("""^\s*include(?:\s*=\s*|\s+)(?:(?<file>"[^"]*"|'[^']*'|[^\s"']+)\s*)+(?:#.*)?$""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex IncludeLine();
}
