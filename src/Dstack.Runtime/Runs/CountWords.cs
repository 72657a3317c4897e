using System.Globalization;

namespace Dstack.Runtime.Runs;

/// <summary>A count with its noun in the right number, for progress lines: <c>1 file</c>, <c>0 files</c>, <c>2 files</c>.</summary>
public static class CountWords
{
    /// <summary><paramref name="count"/> and <paramref name="noun"/>, with an <c>s</c> unless the count is one.</summary>
    public static string Of(long count, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? string.Empty : "s")}");
}
