using Dstack.Runtime.State;

namespace Dstack.LanguageServer.Commands;

/// <summary>
/// The folder a configuration runs from, whose code the run gets: the nearest folder above the file that holds a
/// <c>.git</c> (a repository, or a worktree's <c>.git</c> file) or a <c>.dstack</c> folder (profiles); else the file's
/// own folder. dstack's state folder (<c>$DSTACK_HOME</c>, by default <c>~/.dstack</c>) does not count, or every file
/// in a home folder would run with the whole home folder as its code.
/// </summary>
public static class RunFolder
{
    public static string Of(string filePath, string? dstackHome = null)
    {
        var file = Path.GetFullPath(filePath);
        var own = Path.GetDirectoryName(file) ?? file;
        var home = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dstackHome ?? DstackHome.FromEnvironment().Root));
        for (var folder = new DirectoryInfo(own); folder is not null; folder = folder.Parent)
        {
            var dstack = Path.Combine(folder.FullName, ".dstack");
            if (Path.Exists(Path.Combine(folder.FullName, ".git")) ||
                (Directory.Exists(dstack) && !string.Equals(Path.TrimEndingDirectorySeparator(dstack), home, StringComparison.Ordinal)))
            {
                return folder.FullName;
            }
        }

        return own;
    }
}
