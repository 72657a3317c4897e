using Dstack.LanguageServer.Formatting;
using Dstack.LanguageServer.Protocol;
using Dstack.Runtime.Configuration;

namespace Dstack.LanguageServer.Tests.Formatting;

/// <summary>On every fixture of lsp-bench and every example of the repository: formatting keeps the YAML and the diagnostics, and is idempotent.</summary>
[Trait("Category", "Fast")]
public sealed class FormatterPropertyTests
{
    private static readonly string Root = FindRoot();

    public static TheoryData<string, int> Files()
    {
        var data = new TheoryData<string, int>();
        var files = Directory.EnumerateFiles(System.IO.Path.Combine(Root, "examples"), "*.yml", SearchOption.AllDirectories)
            .Concat(Directory.Exists(BenchFixtures) ? Directory.EnumerateFiles(BenchFixtures, "*.yml") : [])
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            data.Add(file, 2);
            data.Add(file, 4);
        }

        return data;
    }

    private const string BenchFixtures = "/work/shared/lsp-bench/fixtures";

    [Theory]
    [MemberData(nameof(Files))]
    public void Format_File_SameTreeSameDiagnosticsAndIdempotent(string file, int tabSize)
    {
        var text = File.ReadAllText(file);
        var path = file.Contains("/examples/", StringComparison.Ordinal) ? file : FormatterRun.Path;
        var options = new FormattingOptions(tabSize, true, TrimFinalNewlines: true);
        var result = FormatterRun.Format(text, options, path);
        var before = ConfigurationLoader.LoadText(path, text);
        if (result.Refusal is not null)
        {
            // Only a file with a YAML error may be refused.
            Assert.Contains(before.Diagnostics, d => d.Code == "DSTK1001");
            return;
        }

        var formatted = FormatterRun.Apply(text, result.Edits);
        var after = ConfigurationLoader.LoadText(path, formatted);
        Assert.True(YamlTreeComparer.Same(before.Root, after.Root), $"the YAML changed:\n{formatted}");
        Assert.Equal(before.Diagnostics.Select(d => d.Code).Order(), after.Diagnostics.Select(d => d.Code).Order());
        Assert.Equal(Comments(text), Comments(formatted));
        Assert.EndsWith("\n", formatted, StringComparison.Ordinal);
        // None of these files has trailing spaces inside a block scalar, where they would be kept.
        Assert.DoesNotContain(formatted.Split('\n'), l => l.EndsWith(' '));

        var again = FormatterRun.Format(formatted, options, path);
        Assert.Null(again.Refusal);
        Assert.Empty(again.Edits);
    }

    [Fact]
    public void Files_IncludeBenchFixturesAndExamples()
    {
        var files = Files().Select(row => (string)row[0]).Distinct().ToList();
        Assert.Contains(files, f => f.EndsWith("08-large-pipeline.dstack.yml", StringComparison.Ordinal));
        Assert.True(files.Count(f => f.Contains("/examples/", StringComparison.Ordinal)) >= 10);
    }

    /// <summary>The comments of a text, in order, as written after their <c>#</c>.</summary>
    private static List<string> Comments(string text) =>
        [.. text.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith('#'))];

    private static string FindRoot()
    {
        var directory = AppContext.BaseDirectory;
        while (directory is not null && !Directory.Exists(System.IO.Path.Combine(directory, "examples")))
        {
            directory = System.IO.Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("the repository root (with examples/) was not found above " + AppContext.BaseDirectory);
    }
}
