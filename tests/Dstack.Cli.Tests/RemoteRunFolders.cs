using System.Text.RegularExpressions;

namespace Dstack.Cli.Tests;

/// <summary>The folders a run left on an SSH "host" that is this machine: the login user's <c>~/.dstack-runs/RUN-KEY</c>.</summary>
internal static class RemoteRunFolders
{
    /// <summary>
    /// The folders of run <paramref name="runName"/>: <c>RUN-KEY</c> with an 8-hex key exactly, so that another test
    /// class's run on the same host whose name starts the same way (<c>remote-dev</c> next to <c>remote</c>) is not taken.
    /// Folders last written before <paramref name="since"/> (less a second) are not this test's: a run of an earlier test
    /// session on this machine that failed may have left one with the same name.
    /// </summary>
    public static IReadOnlyList<string> Of(string runName, DateTime since)
    {
        var root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dstack-runs");
        var exact = new Regex("^" + Regex.Escape(runName) + "-[0-9a-f]{8}$", RegexOptions.CultureInvariant);
        return Directory.Exists(root)
            ? [.. Directory.EnumerateDirectories(root, runName + "-*").Where(d => exact.IsMatch(Path.GetFileName(d)) && Directory.GetLastWriteTimeUtc(d) >= since.ToUniversalTime() - TimeSpan.FromSeconds(1))]
            : [];
    }
}
