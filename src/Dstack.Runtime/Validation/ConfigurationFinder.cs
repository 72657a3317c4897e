using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Snapshots;

namespace Dstack.Runtime.Validation;

/// <summary>
/// Expands the paths a user names into configuration files. A folder yields every <c>*.dstack.yml</c> and
/// <c>*.dstack.yaml</c> below it, plus <c>.dstack/profiles.yml</c> and <c>.dstack/workflows/*.yaml</c>, skipping
/// what .gitignore ignores: through <c>git ls-files</c> in a repository, through the .gitignore files otherwise.
/// </summary>
public static class ConfigurationFinder
{
    public static (IReadOnlyList<ConfigurationFile> Files, IReadOnlyList<Diagnostic> Problems) Find(IEnumerable<string> paths, string workingDirectory)
    {
        var files = new List<ConfigurationFile>();
        var problems = new List<Diagnostic>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            var full = Path.GetFullPath(path, workingDirectory);
            if (File.Exists(full))
            {
                Add(full, path);
            }
            else if (Directory.Exists(full))
            {
                var found = ListFolder(full).Where(IsConfigurationPath).Order(StringComparer.Ordinal).ToList();
                if (found.Count == 0)
                {
                    problems.Add(new Diagnostic(DiagnosticCodes.NoConfigurationFound, DiagnosticSeverity.Warning, "no *.dstack.yml or *.dstack.yaml files in this folder (files ignored by .gitignore are skipped)", SourceSpan.FileStart, path));
                }

                foreach (var file in found)
                {
                    Add(file, Display(file, workingDirectory));
                }
            }
            else
            {
                problems.Add(new Diagnostic(DiagnosticCodes.FileNotFound, DiagnosticSeverity.Error, "no such file or folder; check the path", SourceSpan.FileStart, path));
            }
        }

        return (files, problems);

        void Add(string full, string display)
        {
            if (seen.Add(full))
            {
                files.Add(new ConfigurationFile(full, display));
            }
        }
    }

    /// <summary>True for names this project reads: <c>*.dstack.yml</c>, <c>.dstack/profiles.yml</c>, <c>.dstack/workflows/*.yaml</c>.</summary>
    public static bool IsConfigurationPath(string path)
    {
        var normalized = path.Replace('\\', '/');
        var name = Path.GetFileName(normalized);
        if (name.EndsWith(".dstack.yml", StringComparison.Ordinal) || name.EndsWith(".dstack.yaml", StringComparison.Ordinal) || name is ".dstack.yml" or ".dstack.yaml")
        {
            return true;
        }

        var isYaml = name.EndsWith(".yml", StringComparison.Ordinal) || name.EndsWith(".yaml", StringComparison.Ordinal);
        return isYaml && (normalized.EndsWith(".dstack/profiles.yml", StringComparison.Ordinal) || normalized.EndsWith(".dstack/profiles.yaml", StringComparison.Ordinal) ||
            Path.GetFileName(Path.GetDirectoryName(normalized)) == "workflows" && normalized.Contains(".dstack/workflows/", StringComparison.Ordinal));
    }

    private static string Display(string full, string workingDirectory)
    {
        var relative = Path.GetRelativePath(workingDirectory, full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative;
    }

    /// <summary>Files below <paramref name="folder"/> that .gitignore keeps: git's listing in a work tree, a walk elsewhere.</summary>
    private static IEnumerable<string> ListFolder(string folder) =>
        WorkTreeListing.Read(folder, IgnoreSources.Git).Files.Select(f => Path.GetFullPath(Path.Combine(folder, f))).Where(File.Exists);
}
