using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Runs.Environment;

/// <summary>
/// A <c>.env</c> file: <c>KEY=VALUE</c> lines that fill the job's required variables. The grammar is the common
/// one of dotenv tools:
/// <list type="bullet">
/// <item><c>KEY=VALUE</c>, optionally preceded by <c>export </c>; blanks around <c>=</c> are allowed.</item>
/// <item>Blank lines and lines starting with <c>#</c> are ignored; after an unquoted value, <c> #</c> (a blank, then
/// <c>#</c>) starts a comment.</item>
/// <item>Unquoted values are trimmed. <c>'single quoted'</c> values are literal. <c>"double quoted"</c> values turn
/// <c>\n</c>, <c>\t</c>, <c>\r</c>, <c>\"</c>, <c>\\</c> and <c>\$</c> into the character; any other backslash stays
/// as written. Both quoted forms may span lines.</item>
/// <item>A key repeated later wins, as it would in a shell.</item>
/// </list>
/// A malformed line gives a <see cref="DiagnosticCodes.DotEnvSyntax"/> error pointing at the problem and is
/// skipped; parsing never throws.
/// </summary>
public sealed class DotEnvFile
{
    internal DotEnvFile(string path, IReadOnlyDictionary<string, string> values, IReadOnlyList<Diagnostic> diagnostics)
    {
        FilePath = path;
        Values = values;
        Diagnostics = diagnostics;
    }

    /// <summary>The file, as given to <see cref="Parse"/> or <see cref="Load"/>.</summary>
    public string FilePath { get; }

    /// <summary>The variables the file sets, by name.</summary>
    public IReadOnlyDictionary<string, string> Values { get; }

    /// <summary>One error per malformed line (those lines set nothing).</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>Parses the text of the <c>.env</c> file at <paramref name="path"/>.</summary>
    public static DotEnvFile Parse(string path, string text) => new DotEnvParser(path, text).Parse();

    /// <summary>
    /// Reads and parses the file; null when it does not exist. A file that exists but cannot be read gives one
    /// error and no values.
    /// </summary>
    public static DotEnvFile? Load(string path)
    {
        try
        {
            return Parse(path, File.ReadAllText(path));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var error = new Diagnostic(
                DiagnosticCodes.DotEnvSyntax,
                DiagnosticSeverity.Error,
                $"the file could not be read ({e.Message}): make it a readable file, or remove it",
                SourceSpan.FileStart,
                path);
            return new DotEnvFile(path, new Dictionary<string, string>(), [error]);
        }
    }
}
