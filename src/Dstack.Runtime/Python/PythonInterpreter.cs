using System.Text.RegularExpressions;
using Dstack.Runtime.Processes;
using Dstack.Runtime.Runs;

namespace Dstack.Runtime.Python;

/// <summary>
/// Finds the interpreter for <c>python: "3.11"</c> on the local machine, and makes <c>python</c> mean it in the job.
/// </summary>
public static partial class PythonInterpreter
{
    private static readonly TimeSpan VersionTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Looks on <paramref name="pathVariable"/> for <c>python3.11</c> (for version <c>3.11</c>) in every directory,
    /// then <c>python3</c>, then <c>python</c>, and runs each candidate with <c>--version</c> (5 s at most) until one
    /// reports the requested version: <c>3.11</c> matches 3.11.x, <c>3.11.2</c> only itself. The exact name comes
    /// first so that an installed <c>python3.11</c> wins over a generic <c>python3</c> earlier on PATH. A program
    /// reached through several names or links runs once. When none matches, the other <c>pythonX.Y</c> programs on
    /// PATH are run too, so that <see cref="PythonLookup.Found"/> tells the user what the machine has.
    /// </summary>
    public static PythonLookup Find(string version, string? pathVariable)
    {
        var majorMinor = MajorMinor(version);
        var major = majorMinor.Split('.')[0];
        string[] names = [$"python{majorMinor}", $"python{major}", "python"];
        var directories = SearchPath.Directories(pathVariable).ToList();
        var found = new List<(string Path, string Version)>();
        var examined = new HashSet<string>(StringComparer.Ordinal);
        var candidates = names.Distinct(StringComparer.Ordinal).SelectMany(name => directories.Select(d => Path.Combine(d, name)));
        foreach (var candidate in candidates)
        {
            if (Examine(candidate, examined, found) is { } reported && Matches(reported, version))
            {
                return new PythonLookup(candidate, reported, found);
            }
        }

        // Only to tell the user what the machine has: the other versioned interpreters, such as python3.12.
        foreach (var candidate in directories.SelectMany(OtherVersionedInterpreters))
        {
            Examine(candidate, examined, found);
        }

        return new PythonLookup(null, string.Empty, found);
    }

    /// <summary>
    /// Makes <paramref name="folder"/> hold <c>python</c>, <c>python3</c> and <c>pythonX.Y</c> as symbolic links to
    /// <paramref name="executable"/>, plus <c>pip</c> and <c>pip3</c> scripts that run <c>executable -m pip</c> (so
    /// <c>pip install</c> in the job installs for the chosen interpreter, not for the machine's default one). Put the
    /// folder first on the job's PATH. Existing entries of those names are replaced. Returns the folder.
    /// </summary>
    /// <param name="executable">The interpreter, usually <see cref="PythonLookup.Executable"/>.</param>
    /// <param name="folder">The folder to fill; created when missing.</param>
    /// <param name="version">The interpreter's version for the <c>pythonX.Y</c> name; when null it is read from the
    /// executable's name, else by running it with <c>--version</c>.</param>
    public static string CreateShimFolder(string executable, string folder, string? version = null)
    {
        Directory.CreateDirectory(folder);
        version ??= FileNameVersion().Match(Path.GetFileName(executable)) is { Success: true } m ? m.Groups[1].Value : ReportedVersion(executable);
        var names = new List<string> { "python", "python3" };
        if (version is not null)
        {
            var majorMinor = MajorMinor(version);
            names.Add($"python{majorMinor.Split('.')[0]}");
            names.Add($"python{majorMinor}");
        }

        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            var link = Path.Combine(folder, name);
            File.Delete(link);
            File.CreateSymbolicLink(link, executable);
        }

        var pip = $"#!/bin/sh\nexec {ShellQuote.Quote(executable)} -m pip \"$@\"\n";
        foreach (var name in new[] { "pip", "pip3" })
        {
            var script = Path.Combine(folder, name);
            File.Delete(script);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                    UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
            }

            using var writer = new StreamWriter(script, options);
            writer.Write(pip);
        }

        return folder;
    }

    /// <summary>The first two parts of a version: <c>3.11</c> for <c>3.11.2</c> or <c>3.11</c>.</summary>
    internal static string MajorMinor(string version)
    {
        var parts = version.Split('.');
        return parts.Length >= 2 ? $"{parts[0]}.{NumericPrefix(parts[1])}" : version;
    }

    /// <summary>The version in <c>--version</c> output such as <c>Python 3.11.2</c>, or null.</summary>
    internal static string? ParseVersion(string? output) =>
        output is not null && VersionOutput().Match(output) is { Success: true } match ? match.Groups[1].Value : null;

    /// <summary>Runs a candidate not run before (by its real path) and records its version; null when it is not an interpreter.</summary>
    private static string? Examine(string candidate, HashSet<string> examined, List<(string Path, string Version)> found)
    {
        if (!SearchPath.IsExecutable(candidate) || !examined.Add(RealPath(candidate)) || ReportedVersion(candidate) is not { } reported)
        {
            return null;
        }

        found.Add((candidate, reported));
        return reported;
    }

    private static IEnumerable<string> OtherVersionedInterpreters(string directory)
    {
        try
        {
            return Directory.EnumerateFiles(directory, "python*")
                .Where(file => FileNameVersion().IsMatch(Path.GetFileName(file)))
                .Order(StringComparer.Ordinal)
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static string? ReportedVersion(string executable) =>
        ParseVersion(ProgramOutput.TryRun(executable, ["--version"], VersionTimeout));

    private static bool Matches(string reported, string requested) =>
        reported == requested ||
        (reported.StartsWith(requested, StringComparison.Ordinal) && !char.IsAsciiDigit(reported[requested.Length]));

    private static string NumericPrefix(string part) => new([.. part.TakeWhile(char.IsAsciiDigit)]);

    private static string RealPath(string path)
    {
        try
        {
            return File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path);
        }
        catch (IOException)
        {
            return Path.GetFullPath(path);
        }
    }

    [GeneratedRegex(@"^Python (\d+\.\d+(?:\.\d+)?\S*)", RegexOptions.CultureInvariant | RegexOptions.Multiline)]
    private static partial Regex VersionOutput();

    [GeneratedRegex(@"^python(\d+\.\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex FileNameVersion();
}
