namespace Dstack.Runtime.Snapshots;

/// <summary>Which ignore files a listing or an <see cref="IgnoreRules"/> honours.</summary>
[Flags]
public enum IgnoreSources
{
    /// <summary>Nothing is ignored except <c>.git</c> folders.</summary>
    None = 0,

    /// <summary><c>.gitignore</c> at any level, <c>.git/info/exclude</c>, and git's global excludes file.</summary>
    Git = 1,

    /// <summary><c>.dstackignore</c> at any level, with the same syntax as <c>.gitignore</c>.</summary>
    Dstack = 2,

    /// <summary>Both: what a run's working copy honours.</summary>
    All = Git | Dstack,
}
