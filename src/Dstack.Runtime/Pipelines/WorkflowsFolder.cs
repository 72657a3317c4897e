namespace Dstack.Runtime.Pipelines;

/// <summary>Where a workflows file sits: <c>REPO/.dstack/workflows/NAME.yaml</c> (or <c>.yml</c>), and so which repository's workflows it belongs to.</summary>
public static class WorkflowsFolder
{
    /// <summary>
    /// The repository folder of the workflows file at <paramref name="path"/> (the folder that holds its <c>.dstack</c>),
    /// full; null when the path is not a <c>.yaml</c> or <c>.yml</c> file directly in a <c>.dstack/workflows</c> folder.
    /// </summary>
    public static string? RepoRootOf(string path)
    {
        if (string.IsNullOrEmpty(path) || !(path.EndsWith(".yaml", StringComparison.Ordinal) || path.EndsWith(".yml", StringComparison.Ordinal)))
        {
            return null;
        }

        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            // Not a path this machine can have (a NUL from an editor's uri): no workflows file.
            return null;
        }

        var workflows = Path.GetDirectoryName(full);
        var dstack = workflows is null ? null : Path.GetDirectoryName(workflows);
        if (workflows is null || dstack is null || Path.GetFileName(workflows) != "workflows" || Path.GetFileName(dstack) != ".dstack")
        {
            return null;
        }

        return Path.GetDirectoryName(dstack);
    }
}
