using Dstack.Runtime.Processes;

namespace Dstack.Runtime.Snapshots;

/// <summary>The git work tree holding a folder, found by looking for <c>.git</c> upwards, without running git.</summary>
/// <param name="Top">The work tree's top folder (the one holding <c>.git</c>).</param>
/// <param name="CommonDir">The repository folder holding <c>info/exclude</c> (shared by all linked work trees).</param>
internal sealed record GitWorkTree(string Top, string CommonDir)
{
    public static GitWorkTree? Find(string folder)
    {
        for (var current = Path.GetFullPath(folder); current is not null; current = Path.GetDirectoryName(current))
        {
            var dotGit = Path.Combine(current, ".git");
            if (Directory.Exists(dotGit))
            {
                return new GitWorkTree(current, dotGit);
            }

            if (File.Exists(dotGit) && GitDirFromFile(dotGit) is { } gitDir)
            {
                return new GitWorkTree(current, CommonDirOf(gitDir));
            }
        }

        return null;
    }

    /// <summary>The user's global excludes file: <c>core.excludesFile</c>, else git's default under the XDG config folder.</summary>
    public string? GlobalExcludesFile()
    {
        var configured = ProgramOutput.TryRun("git", ["-C", Top, "config", "--path", "--get", "core.excludesFile"], TimeSpan.FromSeconds(10))?.Trim();
        if (!string.IsNullOrEmpty(configured))
        {
            return Path.GetFullPath(configured, Top);
        }

        var xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        var home = Environment.GetEnvironmentVariable("HOME");
        return !string.IsNullOrEmpty(xdg) ? Path.Combine(xdg, "git", "ignore")
            : !string.IsNullOrEmpty(home) ? Path.Combine(home, ".config", "git", "ignore")
            : null;
    }

    // A linked work tree or submodule has a .git file: "gitdir: <path>", the path relative to the file's folder.
    private static string? GitDirFromFile(string dotGitFile)
    {
        try
        {
            var line = File.ReadLines(dotGitFile).FirstOrDefault();
            const string Prefix = "gitdir:";
            return line is not null && line.StartsWith(Prefix, StringComparison.Ordinal)
                ? Path.GetFullPath(line[Prefix.Length..].Trim(), Path.GetDirectoryName(dotGitFile)!)
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string CommonDirOf(string gitDir)
    {
        try
        {
            var commonDir = Path.Combine(gitDir, "commondir");
            return File.Exists(commonDir) ? Path.GetFullPath(File.ReadAllText(commonDir).Trim(), gitDir) : gitDir;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return gitDir;
        }
    }
}
