namespace Dstack.Runtime.DevEnvironments;

/// <summary>
/// The line a dev environment's job prints once its <c>setup</c> and <c>init</c> commands have run
/// (<c>dstack: the dev environment is ready in /path; stop it with dstack stop RUN</c>): the controller reads it from
/// the job's output to know the environment is ready and in which folder it is, on any backend.
/// </summary>
public static class ReadyLine
{
    /// <summary>What the line starts with.</summary>
    public const string Prefix = "dstack: the dev environment is ready in ";

    /// <summary>What follows the folder.</summary>
    public const string Suffix = "; stop it with dstack stop ";

    /// <summary>The shell command that prints the line, in the job's script (after <c>init</c>).</summary>
    public const string Command = "echo \"" + Prefix + "$PWD" + Suffix + "$DSTACK_RUN_NAME\"";

    /// <summary>The folder the line names, when <paramref name="line"/> is the ready line; else null.</summary>
    public static string? FolderOf(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var text = line.TrimEnd('\r', '\n');
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var end = text.LastIndexOf(Suffix, StringComparison.Ordinal);
        return end > Prefix.Length ? text[Prefix.Length..end] : null;
    }
}
