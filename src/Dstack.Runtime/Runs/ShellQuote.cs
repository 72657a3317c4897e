namespace Dstack.Runtime.Runs;

/// <summary>POSIX shell quoting, so a value reaches a command as one word whatever it contains.</summary>
public static class ShellQuote
{
    /// <summary>The value as one shell word: unchanged when it is plainly safe, else in single quotes.</summary>
    public static string Quote(string value)
    {
        if (value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':' or '=' or ',' or '+' or '@' or '%'))
        {
            return value;
        }

        // Inside single quotes nothing is special except the quote itself, which is closed, escaped and reopened.
        return "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    /// <summary>The values as shell words separated by spaces.</summary>
    public static string Join(IEnumerable<string> values) => string.Join(' ', values.Select(Quote));
}
