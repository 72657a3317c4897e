using System.Globalization;
using System.Text;
using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Json;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Tests.Properties;
using FsCheck;
using FsCheck.Fluent;

namespace Dstack.Runtime.Tests.Fuzz;

/// <summary>
/// Feeds 100,000 generated and mutated files (fixed seeds, so every run sees the same files) through the loader,
/// and checks what must hold for any input: no exception, errors for invalid files, spans inside the file,
/// and no internal error (DSTK9001, which means the loader caught a crash of its own).
/// </summary>
// In-process, but about a minute of CPU on 2 cores: not Category=Fast, so that the fast loop stays near a minute.
public sealed class ConfigurationFuzzTests
{
    private const int DocumentsPerBatch = 25_000;

    private static readonly HashSet<string> KnownCodes = [.. DiagnosticCodes.All.Select(c => c.Code)];

    [Fact]
    public void LoadText_MutatedRunConfigurations_Batch1_KeepsInvariants() => RunBatch(seed: 1, DocumentsPerBatch);

    [Fact]
    public void LoadText_MutatedRunConfigurations_Batch2_KeepsInvariants() => RunBatch(seed: 2, DocumentsPerBatch);

    [Fact]
    public void LoadText_MutatedRunConfigurations_Batch3_KeepsInvariants() => RunBatch(seed: 3, DocumentsPerBatch);

    [Fact]
    public void LoadText_MutatedRunConfigurations_Batch4_KeepsInvariants() => RunBatch(seed: 4, DocumentsPerBatch);

    [Fact]
    public void LoadText_Seeds_AreValid()
    {
        foreach (var (path, text) in FuzzSeeds.All)
        {
            var document = ConfigurationLoader.LoadText(path, text);
            Assert.True(document.IsValid, $"{path}:\n" + string.Join('\n', document.Diagnostics));
        }
    }

    [Fact]
    public void LoadText_DeeplyNestedDocument_ReportsWithoutCrashing()
    {
        var depth = 10_000;
        var text = "type: task\ncommands: " + new string('[', depth) + "x" + new string(']', depth) + "\n";

        var failure = Check("deep.dstack.yml", text, out var valid);

        Assert.Null(failure);
        Assert.False(valid);
    }

    private static void RunBatch(int seed, int documents)
    {
        var random = new Random(seed);
        var mutator = new YamlMutator(random);
        var seeds = FuzzSeeds.All;
        var generated = ConfigurationGenerators.RunConfigurationText
            .Sample(30, new Rnd((ulong)seed), 200)
            .Select(t => ("generated.dstack.yml", t))
            .ToArray();
        var texts = seeds.Select(s => s.Text).Concat(generated.Select(g => g.t)).ToArray();
        var failures = new List<string>();
        var invalid = 0;
        for (var i = 0; i < documents && failures.Count < 10; i++)
        {
            var (path, original) = random.Next(4) == 0 ? generated[random.Next(generated.Length)] : seeds[random.Next(seeds.Count)];
            var text = random.Next(50) == 0 ? original : mutator.Mutate(original, texts);
            if (random.Next(10) == 0)
            {
                text = mutator.Mutate(text, texts);
            }

            if (Check(path, text, out var valid) is { } failure)
            {
                failures.Add(failure);
            }
            else if (!valid)
            {
                invalid++;
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} failing documents (seed {seed}):\n\n" + string.Join("\n\n", failures));

        // The mutations must reach the error paths, or the fuzzer tests nothing.
        Assert.InRange(invalid, documents / 4, documents - (documents / 20));
    }

    /// <summary>Null when the document keeps every invariant; otherwise what broke, with the input.</summary>
    private static string? Check(string path, string text, out bool valid)
    {
        valid = false;
        ConfigurationDocument document;
        try
        {
            document = ConfigurationLoader.LoadText(path, text);
            if (document.Model is { } model)
            {
                _ = NormalizedJson.Serialize(model);
            }
        }
        catch (Exception e)
        {
            return Describe(path, text, $"exception escaped: {e}");
        }

        if (!document.IsValid && !document.Diagnostics.Any(d => d.IsError))
        {
            return Describe(path, text, "invalid without an error diagnostic");
        }

        if (document.Model is null && document.Diagnostics.Count == 0)
        {
            return Describe(path, text, "no model and no diagnostic saying why");
        }

        valid = document.IsValid;
        var lines = PositionOf(text, text.Length).Line;
        foreach (var d in document.Diagnostics)
        {
            var span = d.Span;
            if (d.Code == DiagnosticCodes.InternalError)
            {
                return Describe(path, text, $"internal error: {d}");
            }

            if (!KnownCodes.Contains(d.Code) || string.IsNullOrWhiteSpace(d.Message))
            {
                return Describe(path, text, $"unknown code or empty message: {d}");
            }

            if (span.StartLine < 1 || span.StartLine > lines + 1 || span.EndLine < span.StartLine || span.EndLine > lines + 1 ||
                span.StartColumn < 1 || span.EndColumn < 1 || span.Start < 0 || span.Start > span.End || span.End > text.Length)
            {
                return Describe(path, text, $"span {span} [{span.Start}, {span.End}) outside the file of {lines} lines and {text.Length} characters: {d}");
            }

            var (line, column) = PositionOf(text, span.Start);
            if (line != span.StartLine || column != span.StartColumn)
            {
                return Describe(path, text, $"span {span} starts at offset {span.Start}, which is ({line},{column}): {d}");
            }
        }

        return null;
    }

    /// <summary>The position of an offset with the line breaks of LSP and editors: \n, \r\n and \r.</summary>
    private static (int Line, int Column) PositionOf(string text, int offset)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < offset; i++)
        {
            if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.Length || text[i + 1] != '\n')))
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, offset - lineStart + 1);
    }

    private static string Describe(string path, string text, string problem)
    {
        var shown = text.Length > 2_000 ? text[..2_000] + "…" : text;
        var escaped = new StringBuilder();
        foreach (var c in shown)
        {
            escaped.Append(c is '\n' or '\t' || !char.IsControl(c) && !char.IsSurrogate(c) ? c.ToString() : string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"));
        }

        return $"{path}: {problem}\n--- input ---\n{escaped}\n-------------";
    }
}
