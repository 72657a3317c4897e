namespace Dstack.Tasks;

/// <summary>
/// The top-level <c>type</c> of a configuration file (<c>task</c>, <c>service</c>, <c>dev-environment</c>), read
/// without a YAML parser: the task assembly loads nothing but MSBuild's API, and the CLI checks the file anyway.
/// </summary>
public static class ConfigurationType
{
    /// <summary>The value of the unindented <c>type:</c> line, unquoted; null when there is none or the file cannot be read.</summary>
    public static string? Of(string path)
    {
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (!line.StartsWith("type:", StringComparison.Ordinal))
                {
                    continue;
                }

                var value = line["type:".Length..];
                var comment = value.IndexOf(" #", StringComparison.Ordinal);
                value = (comment < 0 ? value : value[..comment]).Trim().Trim('"', '\'');
                return value.Length == 0 ? null : value;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return null;
    }
}
