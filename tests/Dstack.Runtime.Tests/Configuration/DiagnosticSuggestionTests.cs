using Dstack.Runtime.Diagnostics;
using static Dstack.Runtime.Tests.Configuration.DiagnosticAssert;

namespace Dstack.Runtime.Tests.Configuration;

/// <summary>
/// A diagnostic's <see cref="Diagnostic.Suggestion"/> is a fix that works: applied to the text, the problem is gone
/// and no new one appears. Where no fix is certain, there is none.
/// </summary>
[Trait("Category", "Fast")]
public sealed class DiagnosticSuggestionTests
{
    private const string Task = "type: task\ncommands: [a]\n";

    [Theory]
    [InlineData(Task + "nmae: hello\n", DiagnosticCodes.UnknownProperty, "nmae", "name")]
    [InlineData(Task + "resources:\n  gpuu: 1\n", DiagnosticCodes.UnknownProperty, "gpuu", "gpu")]
    [InlineData(Task + "\"nmae\": hello\n", DiagnosticCodes.UnknownProperty, "nmae", "name")]
    [InlineData("type: tsak\ncommands: [a]\n", DiagnosticCodes.InvalidConfigurationType, "tsak", "task")]
    [InlineData(Task + "spot_policy: spto\n", DiagnosticCodes.InvalidEnumValue, "spto", "spot")]
    [InlineData(Task + "resources:\n  memory: 16G\n", DiagnosticCodes.InvalidMemory, "16G", "16GB")]
    [InlineData(Task + "resources:\n  memory: 512M\n", DiagnosticCodes.InvalidMemory, "512M", "512MB")]
    [InlineData(Task + "resources:\n  memory: 16gib\n", DiagnosticCodes.InvalidMemory, "16gib", "16GB")]
    [InlineData(Task + "resources:\n  memory: 8Gi..16GB\n", DiagnosticCodes.InvalidMemory, "8Gi", "8GB")]
    [InlineData(Task + "resources:\n  memory: \"8GB..16g\"\n", DiagnosticCodes.InvalidMemory, "16g", "16GB")]
    [InlineData(Task + "resources:\n  memory: 16xb\n", DiagnosticCodes.InvalidMemory, "16xb", "16GB")]
    [InlineData(Task + "resources:\n  disk: 1t..\n", DiagnosticCodes.InvalidMemory, "1t", "1TB")]
    [InlineData(Task + "resources:\n  shm_size: 2G\n", DiagnosticCodes.InvalidMemory, "2G", "2GB")]
    [InlineData(Task + "resources:\n  memory: {min: 8g}\n", DiagnosticCodes.InvalidMemory, "8g", "8GB")]
    [InlineData(Task + "resources:\n  gpu: A100:80G:2\n", DiagnosticCodes.InvalidMemory, "80G", "80GB")]
    [InlineData(Task + "resources:\n  gpu: 24G..:1\n", DiagnosticCodes.InvalidMemory, "24G", "24GB")]
    [InlineData(Task + "resources:\n  gpu: H10O:2\n", DiagnosticCodes.UnknownGpuName, "H10O", "H100")]
    [InlineData(Task + "resources:\n  gpu: A100,H10O:80GB\n", DiagnosticCodes.UnknownGpuName, "H10O", "H100")]
    [InlineData(Task + "resources:\n  gpu: \"nvidia:RTX409:1\"\n", DiagnosticCodes.UnknownGpuName, "RTX409", "RTX4090")]
    [InlineData(Task + "resources:\n  gpu: 4090\n", DiagnosticCodes.GpuCountLooksLikeName, "4090", "RTX4090")]
    [InlineData(Task + "ports:\n  - 8080:22\n", DiagnosticCodes.Yaml11Trap, "8080:22", "\"8080:22\"")]
    public void Suggestion_Applied_RemovesTheProblem(string yaml, string code, string replaced, string replacement)
    {
        var diagnostic = Single(Load(yaml), code);

        var suggestion = Assert.IsType<Suggestion>(diagnostic.Suggestion);
        Assert.Equal(replaced, yaml[suggestion.Span.Start..suggestion.Span.End]);
        Assert.Equal(replacement, suggestion.Text);
        var fixedText = Apply(yaml, suggestion);
        Assert.DoesNotContain(Load(fixedText).Diagnostics, d => d.Code == code || d.IsError);
    }

    [Fact]
    public void Suggestion_SpanAndLineColumns_Agree()
    {
        var diagnostic = Single(Load(Task + "resources:\n  gpu: A100,H10O:80GB\n"), DiagnosticCodes.UnknownGpuName);

        var span = diagnostic.Suggestion!.Span;
        Assert.Equal((4, 13, 4, 17), (span.StartLine, span.StartColumn, span.EndLine, span.EndColumn));
        // The diagnostic still underlines the whole spec, as before; only the fix is narrower.
        Assert.Equal((4, 8, 4, 22), (diagnostic.Span.StartLine, diagnostic.Span.StartColumn, diagnostic.Span.EndLine, diagnostic.Span.EndColumn));
    }

    [Theory]
    [InlineData(Task + "resources:\n  memory: 1.2.3G\n", DiagnosticCodes.InvalidMemory)]
    [InlineData(Task + "resources:\n  memory: 16kb\n", DiagnosticCodes.InvalidMemory)]
    [InlineData(Task + "resources:\n  memory: lots\n", DiagnosticCodes.InvalidMemory)]
    [InlineData(Task + "resources:\n  memory: \"8G .. 16GB\"\n", DiagnosticCodes.InvalidMemory)]
    [InlineData(Task + "resources:\n  gpu: \"A100 : 80G\"\n", DiagnosticCodes.InvalidMemory)]
    [InlineData(Task + "resources:\n  gpu: Zzzzzz:2\n", DiagnosticCodes.UnknownGpuName)]
    [InlineData(Task + "resources:\n  gpu: {name: H10O}\n", DiagnosticCodes.UnknownGpuName)]
    [InlineData(Task + "name: a\nnmae: b\n", DiagnosticCodes.UnknownProperty)]
    [InlineData(Task + "colour: red\n", DiagnosticCodes.UnknownProperty)]
    [InlineData(Task + "resources:\n  memory: \"1\\x36G\"\n", DiagnosticCodes.InvalidMemory)]
    public void Suggestion_NoCertainFix_IsNull(string yaml, string code)
    {
        var diagnostic = Single(Load(yaml), code);

        Assert.Null(diagnostic.Suggestion);
    }

    [Fact]
    public void Suggestion_KeepsMessagesAndTextForm()
    {
        var diagnostic = Single(Load(Task + "resources:\n  memory: 16G\n"), DiagnosticCodes.InvalidMemory);

        Assert.Equal(
            "test.dstack.yml(4,11): error DSTK2001: resources.memory: `16G` is not a size (could not convert string to float: '16g'); write 16GB (dstack sizes are binary: 1GB = 1024MB)",
            diagnostic.ToString());
    }

    private static string Apply(string text, Suggestion suggestion) =>
        text[..suggestion.Span.Start] + suggestion.Text + text[suggestion.Span.End..];
}
