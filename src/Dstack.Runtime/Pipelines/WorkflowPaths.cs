namespace Dstack.Runtime.Pipelines;

/// <summary>
/// Where a workflow's <c>artifacts</c>/<c>cache</c> path is: on the job's host, as a path for
/// <see cref="Hosts.IJobHost"/> (relative to the working copy, <c>~/</c> for the host user's home, or absolute), in
/// the saved artifacts of a run, and in the job's container. A relative path is in the working copy wherever the job
/// runs (a container sees it under <c>/workflow</c>). In a container, a <c>~/</c> or absolute path is a folder of the
/// working copy under <c>.dstack/paths/</c> bind-mounted at that path, so it outlives the container.
/// </summary>
public static class WorkflowPaths
{
    /// <summary>The working copy's folder of container paths: <c>.dstack/paths</c>.</summary>
    public const string ContainerPathsFolder = ".dstack/paths";

    /// <summary>The path as the job's host sees it (<paramref name="path"/> normalized by <see cref="WorkflowPathRule.Normalize"/>).</summary>
    public static string OnHost(string path, bool inContainer) => inContainer && !IsRelative(path) ? $"{ContainerPathsFolder}/{SavedFolder(path)}" : path;

    /// <summary>
    /// The folder of a run's saved artifacts (and of a dep's artifacts in the working copy) that holds
    /// <paramref name="path"/>: the path itself when relative, <c>_home/…</c> for <c>~/…</c>, <c>_root/…</c> for an absolute one.
    /// </summary>
    public static string SavedFolder(string path) => path.StartsWith("~/", StringComparison.Ordinal)
        ? $"_home/{path[2..]}"
        : path.StartsWith('/') ? $"_root/{path.TrimStart('/')}" : path;

    public static bool IsRelative(string path) => !path.StartsWith("~/", StringComparison.Ordinal) && !path.StartsWith('/');

    /// <summary>
    /// The binds a container job needs for its <c>~/</c> and absolute paths: (folder of the working copy, path in the
    /// container); <paramref name="containerHome"/> is the home of the container's user.
    /// </summary>
    public static IReadOnlyList<(string CodeFolder, string ContainerPath)> ContainerBinds(IEnumerable<string> paths, string containerHome) =>
        [.. paths.Where(p => !IsRelative(p)).Distinct(StringComparer.Ordinal).Select(p => (OnHost(p, inContainer: true), p.StartsWith("~/", StringComparison.Ordinal) ? $"{containerHome.TrimEnd('/')}/{p[2..]}" : p))];

    /// <summary>The home of a container's <c>user</c> (null or root: <c>/root</c>; a name: <c>/home/NAME</c>).</summary>
    public static string ContainerHome(string? user)
    {
        var name = user?.Split(':')[0];
        return name is null or "" or "root" or "0" ? "/root" : $"/home/{name}";
    }
}
