using Dstack.Runtime.Configuration;
using Dstack.Runtime.Pipelines;

namespace Dstack.Runtime.Validation;

/// <summary>
/// What no single workflows file can say alone: <c>deps</c> that name no workflow of the repository, and deps that form
/// a cycle (<see cref="WorkflowCatalog.CheckDependencies"/>). Each workflows folder met is checked once, with every
/// file in it (also those not named), and each problem goes to the checked file that makes it.
/// </summary>
public static class WorkflowDependencyCheck
{
    /// <summary>
    /// <paramref name="documents"/> (loaded from <paramref name="files"/>, in the same order) with the dependency problems
    /// of the workflows files among them added, named as their file is.
    /// </summary>
    public static IReadOnlyList<ConfigurationDocument> Apply(IReadOnlyList<ConfigurationFile> files, IReadOnlyList<ConfigurationDocument> documents)
    {
        var indexByPath = new Dictionary<string, int>(StringComparer.Ordinal);
        var roots = new List<string>();
        for (var i = 0; i < files.Count && i < documents.Count; i++)
        {
            if (documents[i].Kind == ConfigurationKind.Workflows && WorkflowsFolder.RepoRootOf(files[i].FullPath) is { } root)
            {
                indexByPath[Path.GetFullPath(files[i].FullPath)] = i;
                if (!roots.Contains(root, StringComparer.Ordinal))
                {
                    roots.Add(root);
                }
            }
        }

        if (roots.Count == 0)
        {
            return documents;
        }

        var result = documents.ToList();
        foreach (var root in roots)
        {
            // The files already read are not read again: their problems then point into the very text that was checked.
            var catalog = WorkflowCatalog.Load(root, path => indexByPath.TryGetValue(Path.GetFullPath(path), out var i) ? documents[i].Text : null);
            foreach (var problem in catalog.CheckDependencies())
            {
                if (problem.Path is { } path && indexByPath.TryGetValue(Path.GetFullPath(path), out var index))
                {
                    var document = result[index];
                    result[index] = document with { Diagnostics = [.. document.Diagnostics, problem with { Path = document.Path }] };
                }
            }
        }

        return result;
    }
}
