namespace Dstack.Runtime.Pipelines;

/// <summary>
/// What an <c>artifacts</c> or <c>cache</c> path may be: relative to the working copy (<c>./output</c>, <c>data</c>),
/// under the job's home (<c>~/.cache/pip</c>), or absolute (<c>/root/.cache</c>); never the working copy or the home
/// as a whole, and never a path that climbs out with <c>..</c>.
/// </summary>
public static class WorkflowPathRule
{
    /// <summary>Why <paramref name="path"/> cannot be saved, or null when it can.</summary>
    public static string? Problem(string path)
    {
        var trimmed = path.Trim();
        if (trimmed.Length == 0)
        {
            return "the path is empty; name a folder, such as ./output";
        }

        var body = trimmed.StartsWith("~/", StringComparison.Ordinal) ? trimmed[2..] : trimmed == "~" ? string.Empty : trimmed.TrimStart('/');
        var parts = body.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToList();
        if (parts.Contains(".."))
        {
            return $"`{path}` climbs out with `..`; name a folder inside the working copy, under ~, or an absolute one";
        }

        if (parts.Count == 0)
        {
            return trimmed.StartsWith('/') ? $"`{path}` is the whole file system; name a folder" : $"`{path}` is {(trimmed.StartsWith('~') ? "the whole home folder" : "the whole working copy")}; name a folder inside it, such as ./output";
        }

        return null;
    }

    /// <summary>The path in one normal form: <c>./output/</c> → <c>output</c>, <c>~/x/</c> → <c>~/x</c>, <c>/a//b</c> → <c>/a/b</c>.</summary>
    public static string Normalize(string path)
    {
        var trimmed = path.Trim();
        var prefix = trimmed.StartsWith("~/", StringComparison.Ordinal) ? "~/" : trimmed.StartsWith('/') ? "/" : string.Empty;
        var body = prefix == "~/" ? trimmed[2..] : trimmed;
        return prefix + string.Join('/', body.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != "."));
    }
}
