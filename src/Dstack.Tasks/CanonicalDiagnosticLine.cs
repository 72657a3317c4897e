using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Dstack.Tasks;

/// <summary>
/// One line of <c>dstack validate --format msbuild</c>: <c>path(line,col): error DSTK2003: message</c>, or
/// <c>path(line,col,endLine,endCol): ...</c>, or without a location (<c>dstack: error DSTK0001: message</c>).
/// </summary>
/// <param name="File">The file the diagnostic is about; null when the line names no location.</param>
/// <param name="Line">1-based start line; 0 when unknown.</param>
/// <param name="Column">1-based start column; 0 when unknown.</param>
/// <param name="EndLine">1-based end line; 0 when the line gives none.</param>
/// <param name="EndColumn">1-based end column; 0 when the line gives none.</param>
/// <param name="Severity">Error, warning or info.</param>
/// <param name="Code">The code, such as <c>DSTK2003</c>.</param>
/// <param name="Message">The text after the code.</param>
public sealed partial record CanonicalDiagnosticLine(
    string? File, int Line, int Column, int EndLine, int EndColumn, CanonicalSeverity Severity, string Code, string Message)
{
    /// <summary>Reads one output line; false for lines that are not diagnostics (progress, blank lines).</summary>
    /// <remarks>
    /// A path may hold spaces and parentheses, even <c>(1,2)</c>: the location is the first <c>(n,n)</c> or
    /// <c>(n,n,n,n)</c> that is followed by <c>: error|warning|info CODE:</c>, which a real path never is.
    /// </remarks>
    public static bool TryParse(string? line, [NotNullWhen(true)] out CanonicalDiagnosticLine? diagnostic)
    {
        diagnostic = null;
        if (string.IsNullOrWhiteSpace(line))
        {
            return false;
        }

        var located = LocatedPattern().Match(line);
        if (located.Success)
        {
            diagnostic = new CanonicalDiagnosticLine(
                located.Groups["file"].Value.Trim(),
                Number(located.Groups["line"]),
                Number(located.Groups["col"]),
                Number(located.Groups["endLine"]),
                Number(located.Groups["endCol"]),
                SeverityOf(located.Groups["severity"].Value),
                located.Groups["code"].Value,
                located.Groups["message"].Value);
            return true;
        }

        var unlocated = UnlocatedPattern().Match(line);
        if (unlocated.Success)
        {
            diagnostic = new CanonicalDiagnosticLine(
                null, 0, 0, 0, 0, SeverityOf(unlocated.Groups["severity"].Value), unlocated.Groups["code"].Value, unlocated.Groups["message"].Value);
            return true;
        }

        return false;
    }

    private static int Number(Group group) =>
        group.Success ? int.Parse(group.Value, NumberStyles.None, CultureInfo.InvariantCulture) : 0;

    private static CanonicalSeverity SeverityOf(string word) => word switch
    {
        "error" => CanonicalSeverity.Error,
        "warning" => CanonicalSeverity.Warning,
        _ => CanonicalSeverity.Info,
    };

    [GeneratedRegex(
        @"^(?<file>.+?)\((?<line>\d{1,9}),(?<col>\d{1,9})(?:,(?<endLine>\d{1,9}),(?<endCol>\d{1,9}))?\)\s?:\s(?<severity>error|warning|info)\s(?<code>[A-Z]+\d+):\s?(?<message>.*)$",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex LocatedPattern();

    [GeneratedRegex(
        @"^(?<origin>[^\s:()]+)\s?:\s(?<severity>error|warning|info)\s(?<code>[A-Z]+\d+):\s?(?<message>.*)$",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex UnlocatedPattern();
}
