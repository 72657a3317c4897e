using System.Text.RegularExpressions;
using Dstack.Runtime.Diagnostics;

namespace Dstack.Cli.Tests;

/// <summary>
/// Keeps docs/cli.md complete: every command that <c>dstack --help</c> lists has a <c>## dstack COMMAND</c> section,
/// and every alias of every option and every argument that <c>dstack COMMAND --help</c> shows is named in that
/// section. A section may share another command's options by saying
/// <c>Options: the same as [`dstack run`](#dstack-run)</c>. The commands and options come from the real help output,
/// so an option added to the code and not to the page fails here.
/// </summary>
[Trait("Category", "Fast")]
public sealed partial class CliDocsTests
{
    private static readonly string DocsFile = Path.Combine(RepositoryLayout.Root, "docs", "cli.md");

    /// <summary>Every command has these; the overview documents them once.</summary>
    private static readonly string[] HelpAliases = ["-?", "-h", "--help"];

    [Fact]
    public async Task Docs_HaveASectionForEveryVisibleCommand()
    {
        var commands = await VisibleCommandsAsync();
        var docs = ReadDocs();

        var missing = commands.Where(c => SectionOf(docs, c) is null).ToList();

        Assert.True(missing.Count == 0, $"docs/cli.md has no `## dstack COMMAND` section for: {string.Join(", ", missing)}");
    }

    [Fact]
    public async Task Docs_NameEveryOptionAliasAndArgumentInTheCommandsSection()
    {
        var docs = ReadDocs();
        var missing = new List<string>();
        foreach (var command in await VisibleCommandsAsync())
        {
            var help = await HelpOfAsync(command);
            var section = SectionOf(docs, command) ?? string.Empty;
            var shared = SharedOptions().Match(section) is { Success: true } match ? SectionOf(docs, match.Groups["command"].Value) ?? string.Empty : string.Empty;
            foreach (var alias in OptionAliases(help).Except(HelpAliases))
            {
                if (!Names(section, alias) && !Names(shared, alias))
                {
                    missing.Add($"dstack {command} {alias}");
                }
            }

            foreach (var argument in ArgumentNames(help).Where(a => !Names(section, a)))
            {
                missing.Add($"dstack {command} <{argument}>");
            }
        }

        Assert.True(missing.Count == 0, $"docs/cli.md does not document, in the command's section: {string.Join(", ", missing)}");
    }

    [Fact]
    public async Task Docs_NameTheRootOptionsInTheOverview()
    {
        var overview = SectionOf(ReadDocs(), "Overview", prefix: string.Empty);
        var help = await HelpOfAsync(null);

        Assert.NotNull(overview);
        Assert.All(OptionAliases(help), alias => Assert.True(Names(overview, alias), $"the Overview of docs/cli.md does not name `dstack {alias}`"));
    }

    [Fact]
    public void Docs_NameEveryRunAndBackendCode()
    {
        var docs = ReadDocs();

        var missing = DiagnosticCodes.All.Select(c => c.Code).Where(c => c.StartsWith("DSTK3", StringComparison.Ordinal) && !docs.Contains(c, StringComparison.Ordinal)).ToList();

        Assert.True(missing.Count == 0, $"docs/cli.md does not say when these codes are reported: {string.Join(", ", missing)}");
    }

    [Fact]
    public async Task HelpParsing_FindsTheCommandsAndOptionsThatExist()
    {
        // Guards the parsing above: if the help format changed and nothing were found, the other tests would pass vacuously.
        var commands = await VisibleCommandsAsync();
        var stop = OptionAliases(await HelpOfAsync("stop"));
        var validate = await HelpOfAsync("validate");

        Assert.Contains("run", commands);
        Assert.Contains("ps", commands);
        Assert.DoesNotContain("controller", commands);
        Assert.Equal(["-x", "--abort", "-y", "--yes", "--no-wait", "-?", "-h", "--help"], stop);
        Assert.Contains("--format", OptionAliases(validate));
        Assert.Equal(["PATH"], ArgumentNames(validate));
    }

    private static string ReadDocs() => File.ReadAllText(DocsFile).ReplaceLineEndings("\n");

    private static async Task<IReadOnlyList<string>> VisibleCommandsAsync() =>
        [.. HelpSection(await HelpOfAsync(null), "Commands").Select(line => line.TrimStart().Split(' ')[0])];

    private static async Task<string> HelpOfAsync(string? command)
    {
        var result = await Cli.RunAsync(command is null ? ["--help"] : [command, "--help"]);
        Assert.True(result.ExitCode == DstackCommandLine.Success, result.ToString());
        return result.Output.ReplaceLineEndings("\n");
    }

    /// <summary>The aliases in the first column of the help's Options list: <c>-f, --file &lt;FILE&gt;</c> gives -f and --file.</summary>
    private static List<string> OptionAliases(string help) =>
        [.. HelpSection(help, "Options")
            .Where(line => line.TrimStart().StartsWith('-'))
            .SelectMany(line => FirstColumn(line).Split(", ").Select(alias => alias.Split(' ')[0]))];

    /// <summary>The argument names of the help's Arguments list: <c>&lt;DIR&gt;</c> gives DIR.</summary>
    private static List<string> ArgumentNames(string help) =>
        [.. HelpSection(help, "Arguments").Select(line => FirstColumn(line).Trim('<', '>', '.'))];

    private static string FirstColumn(string line) => ColumnGap().Split(line.Trim())[0];

    /// <summary>
    /// The entries under a heading such as <c>Options:</c>, up to the next blank line: lines indented by two spaces
    /// (a description wrapped onto further lines is indented more and skipped).
    /// </summary>
    private static IEnumerable<string> HelpSection(string help, string heading) =>
        help.Split('\n')
            .SkipWhile(line => line.TrimEnd() != heading + ":")
            .Skip(1)
            .TakeWhile(line => line.Trim().Length > 0)
            .Where(line => line.Length > 2 && line.StartsWith("  ", StringComparison.Ordinal) && line[2] != ' ');

    /// <summary>The text of the <c>## PREFIX NAME</c> section, up to the next level-2 heading; null when there is none.</summary>
    private static string? SectionOf(string docs, string name, string prefix = "dstack ")
    {
        var lines = docs.Split('\n');
        var start = Array.FindIndex(lines, line => line.TrimEnd() == $"## {prefix}{name}");
        if (start < 0)
        {
            return null;
        }

        return string.Join('\n', lines.Skip(start + 1).TakeWhile(line => !line.StartsWith("## ", StringComparison.Ordinal)));
    }

    /// <summary>True when <paramref name="text"/> has <paramref name="name"/> as a whole token (<c>-f</c> is not found in <c>--file</c>).</summary>
    private static bool Names(string text, string name) =>
        Regex.IsMatch(text, $@"(?<![\w-]){Regex.Escape(name)}(?![\w-])", RegexOptions.CultureInvariant);

    [GeneratedRegex(@"Options: the same as\s+\[`dstack (?<command>[a-z-]+)`\]", RegexOptions.CultureInvariant)]
    private static partial Regex SharedOptions();

    [GeneratedRegex(@"\s{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex ColumnGap();
}
