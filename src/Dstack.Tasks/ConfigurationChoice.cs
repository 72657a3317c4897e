using System.Diagnostics.CodeAnalysis;

namespace Dstack.Tasks;

/// <summary>
/// Which configuration DstackRun runs: <c>DstackConfigurationFile</c> when set, else the project folder's
/// <c>.dstack.yml</c>, else the only configuration among the project's <c>DstackConfiguration</c> items.
/// None, or several with none chosen, is an error that says how to choose.
/// </summary>
public static class ConfigurationChoice
{
    /// <summary>The full path of the configuration to run, or the problem in words.</summary>
    /// <param name="projectDirectory">The project's folder; relative paths are resolved against it.</param>
    /// <param name="chosen">The value of <c>DstackConfigurationFile</c>; empty when not set.</param>
    /// <param name="candidates">The <c>DstackConfiguration</c> items (profiles files among them are skipped).</param>
    public static bool TryChoose(string projectDirectory, string? chosen, IEnumerable<string> candidates, [NotNullWhen(true)] out string? path, [NotNullWhen(false)] out string? problem)
    {
        path = null;
        problem = null;
        if (!string.IsNullOrWhiteSpace(chosen))
        {
            var full = Path.GetFullPath(Path.Combine(projectDirectory, chosen.Trim()));
            if (File.Exists(full))
            {
                path = full;
                return true;
            }

            problem = $"DstackConfigurationFile is '{chosen}', but {full} does not exist: give the path of a .dstack.yml file, relative to {projectDirectory} or absolute.";
            return false;
        }

        foreach (var name in (string[])[".dstack.yml", ".dstack.yaml"])
        {
            var standard = Path.Combine(projectDirectory, name);
            if (File.Exists(standard))
            {
                path = Path.GetFullPath(standard);
                return true;
            }
        }

        var configurations = candidates
            .Where(c => c.EndsWith(".dstack.yml", StringComparison.OrdinalIgnoreCase) || c.EndsWith(".dstack.yaml", StringComparison.OrdinalIgnoreCase))
            .Select(c => Path.GetFullPath(Path.Combine(projectDirectory, c)))
            .Distinct(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal)
            .OrderBy(c => c, StringComparer.Ordinal)
            .ToList();
        switch (configurations.Count)
        {
            case 1:
                path = configurations[0];
                return true;
            case 0:
                problem = $"The project has no configuration to run: add a .dstack.yml to {projectDirectory}, or set DstackConfigurationFile to the one to run.";
                return false;
            default:
                var names = configurations.Select(c => Path.GetRelativePath(projectDirectory, c)).ToList();
                problem = $"The project has {names.Count} configurations and none is chosen: {string.Join(", ", names)}. Choose one with -p:DstackConfigurationFile={names[0]} (or set it in the project file).";
                return false;
        }
    }
}
