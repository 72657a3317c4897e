using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Tests.Resources;

[Trait("Category", "Fast")]
public sealed class GpuSpecParserTests
{
    // Expected form: vendor|names|count|memory (empty part = null), ranges in dstack's display.
    [Theory]
    [InlineData("A100", "|A100|1|")]
    [InlineData("A10G,A100", "|A10G,A100|1|")]
    [InlineData("A100:80GB", "|A100|1|80GB")]
    [InlineData("A100:2", "|A100|2|")]
    [InlineData("24GB..40GB:2", "||2|24GB..40GB")]
    [InlineData("A100:40GB:2", "|A100|2|40GB")]
    [InlineData("40GB..80GB:4", "||4|40GB..80GB")]
    [InlineData("1..", "||1..|")]
    [InlineData("..80GB", "||1|..80GB")]
    [InlineData("nvidia", "nvidia||1|")]
    [InlineData("NVIDIA", "nvidia||1|")]
    [InlineData("tpu:v5p-1024", "google|v5p-1024|1|")]
    [InlineData("v5litepod-64:TPU", "google|v5litepod-64|1|")]
    [InlineData("google:v3-8", "google|v3-8|1|")]
    [InlineData("MI300X:AMD", "amd|MI300X|1|")]
    [InlineData("intel:Gaudi2:8", "intel|Gaudi2|8|")]
    [InlineData("16GB..32", "||1|16GB..32GB")]
    [InlineData("4090", "||4090|")]
    [InlineData("24..40", "||24..40|")]
    [InlineData("24GB", "||1|24GB")]
    [InlineData("a100", "|a100|1|")]
    [InlineData("2:A100", "|A100|2|")]
    [InlineData("80GB:A100:nvidia:2", "nvidia|A100|2|80GB")]
    [InlineData("A100 : 80GB : 2", "|A100|2|80GB")]
    [InlineData("0", "||0|")]
    [InlineData("A100:0..2", "|A100|0..2|")]
    [InlineData("H100,A100:80GB:1..8", "|H100,A100|1..8|80GB")]
    [InlineData("RTX4090", "|RTX4090|1|")]
    [InlineData("24GB..:1..2", "||1..2|24GB..")]
    [InlineData("512MB", "||1|0.5GB")]
    [InlineData("True", "|True|1|")]
    public void Parse_ValidSpec_GivesTheSpec(string text, string expected)
    {
        Assert.Equal(expected, Describe(GpuSpecParser.Parse(text)));
    }

    [Theory]
    [InlineData("", "GPU spec contains empty token: ")]
    [InlineData("A100:", "GPU spec contains empty token: A100:")]
    [InlineData("A100::2", "GPU spec contains empty token: A100::2")]
    [InlineData(":", "GPU spec contains empty token: :")]
    [InlineData(":A100", "GPU spec contains empty token: :A100")]
    [InlineData("nvidia:amd", "GPU spec vendor conflict: nvidia:amd")]
    [InlineData("tpu:google", "GPU spec vendor conflict: tpu:google")]
    [InlineData("A100:H100", "GPU spec name conflict: A100:H100")]
    [InlineData("A100:xGB", "GPU spec name conflict: A100:xGB")]
    [InlineData("A100,:2", "GPU name can not be empty: A100,:2")]
    [InlineData("A100,,H100", "GPU name can not be empty: A100,,H100")]
    [InlineData("A100,", "GPU name can not be empty: A100,")]
    [InlineData("24GB:40GB", "GPU spec memory conflict: 24GB:40GB")]
    [InlineData("A100:24GB:80GB..", "GPU spec memory conflict: A100:24GB:80GB..")]
    [InlineData("2:4", "GPU spec count conflict: 2:4")]
    [InlineData("A100:1..2:3", "GPU spec count conflict: A100:1..2:3")]
    [InlineData("A100 : H100", "GPU spec name conflict: A100 : H100")]
    public void Parse_GrammarViolation_ReportsDstackMessageWithOriginalText(string text, string dstackMessage)
    {
        var error = Assert.Throws<ValueException>(() => GpuSpecParser.Parse(text));

        Assert.Equal(DiagnosticCodes.InvalidGpuSpec, error.Issue.Code);
        Assert.StartsWith(dstackMessage, error.Issue.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8x", DiagnosticCodes.InvalidMemory, "could not convert string to float: '8x'")]
    [InlineData("A100:80XB", DiagnosticCodes.InvalidMemory, "could not convert string to float: '80xb'")]
    [InlineData("A100:16G", DiagnosticCodes.InvalidMemory, "could not convert string to float: '16g'")]
    [InlineData("A100:80GB..40GB", DiagnosticCodes.InvalidRangeOrder, "Invalid range order: 80GB..40GB")]
    [InlineData("A100:4..2", DiagnosticCodes.InvalidRangeOrder, "Invalid range order: 4..2")]
    [InlineData("A100:1.5", DiagnosticCodes.InvalidInteger, "value is not a valid integer")]
    [InlineData("A100:..", DiagnosticCodes.InvalidRange, "Invalid empty range: ..")]
    public void Parse_BadMemoryOrCount_ReportsRangeError(string text, string code, string dstackMessage)
    {
        var error = Assert.Throws<ValueException>(() => GpuSpecParser.Parse(text));

        Assert.Equal(code, error.Issue.Code);
        Assert.Contains(dstackMessage, error.Issue.Message, StringComparison.Ordinal);
    }

    // dstack accepts a count of -1 (no sign check); we reject it.
    [Fact]
    public void Parse_NegativeCount_IsSuspiciousNumber()
    {
        var error = Assert.Throws<ValueException>(() => GpuSpecParser.Parse("A100:-1"));

        Assert.Equal(DiagnosticCodes.SuspiciousNumber, error.Issue.Code);
        Assert.Equal(5, error.Issue.Offset);
    }

    [Theory]
    [InlineData("A100:80XB", 5, 4)]
    [InlineData("A100:H100", 5, 4)]
    [InlineData("nvidia:amd", 7, 3)]
    [InlineData("24GB:40GB", 5, 4)]
    [InlineData("2:4", 2, 1)]
    [InlineData("A100,,H100", 0, 10)]
    [InlineData("A100:80GB..40GB", 5, 10)]
    [InlineData("A100:8GB..16XB", 10, 4)]
    [InlineData("A100:2..x", 8, 1)]
    [InlineData("8x", 0, 2)]
    public void Parse_BadToken_PointsAtTheToken(string text, int offset, int length)
    {
        var error = Assert.Throws<ValueException>(() => GpuSpecParser.Parse(text));

        Assert.Equal(offset, error.Issue.Offset);
        Assert.Equal(length, error.Issue.Length);
    }

    [Fact]
    public void Parse_BadTokenInTextWithSpaces_PointsAtTheWholeValue()
    {
        var error = Assert.Throws<ValueException>(() => GpuSpecParser.Parse("A100 : 80XB"));

        Assert.Equal(-1, error.Issue.Offset);
    }

    [Theory]
    [InlineData("tpu-v3-8", "v3-8")]
    [InlineData("tpu-v5litepod-64", "v5litepod-64")]
    public void Parse_TpuPrefix_IsRemovedWithADeprecationWarning(string text, string name)
    {
        var warnings = new List<ValueIssue>();

        var spec = GpuSpecParser.Parse(text, warnings);

        Assert.Equal([name], spec.Name);
        Assert.Null(spec.Vendor);
        var warning = Assert.Single(warnings);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Equal(DiagnosticCodes.DeprecatedProperty, warning.Code);
        Assert.Contains("`tpu-` prefix is deprecated, specify gpu_vendor instead", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TpuPrefixIsCaseSensitive_UpperCaseIsKept()
    {
        var warnings = new List<ValueIssue>();

        var spec = GpuSpecParser.Parse("TPU-v3-8", warnings);

        Assert.Equal(["TPU-v3-8"], spec.Name);
        Assert.Empty(warnings);
    }

    [Theory]
    [InlineData("nvidia", GpuVendor.Nvidia)]
    [InlineData("Nvidia", GpuVendor.Nvidia)]
    [InlineData("amd", GpuVendor.Amd)]
    [InlineData("AMD", GpuVendor.Amd)]
    [InlineData("google", GpuVendor.Google)]
    [InlineData("tpu", GpuVendor.Google)]
    [InlineData("TPU", GpuVendor.Google)]
    [InlineData("intel", GpuVendor.Intel)]
    public void TryVendor_VendorWord_IsRecognized(string text, GpuVendor expected)
    {
        Assert.True(GpuSpecParser.TryVendor(text, out var vendor));
        Assert.Equal(expected, vendor);
    }

    [Theory]
    [InlineData("nvida")]
    [InlineData("A100")]
    [InlineData("cuda")]
    [InlineData("")]
    public void TryVendor_OtherWord_IsNotAVendor(string text)
    {
        Assert.False(GpuSpecParser.TryVendor(text, out _));
    }

    [Theory]
    [InlineData("A100:80GB:2", "A100:80GB:2")]
    [InlineData("nvidia", "nvidia:1")]
    [InlineData("2:A100,H100", "A100,H100:2")]
    [InlineData("24GB..40GB", "24GB..40GB:1")]
    [InlineData("tpu:v5p-8", "google:v5p-8:1")]
    public void ToSpecString_ParsedSpec_IsCanonicalAndReadsBack(string text, string expected)
    {
        var spec = GpuSpecParser.Parse(text);

        var canonical = spec.ToSpecString();

        Assert.Equal(expected, canonical);
        Assert.Equal(spec, GpuSpecParser.Parse(canonical!));
    }

    [Theory]
    [InlineData("A100:80GB:2", "2xA100 (80GB)")]
    [InlineData("A100", "1xA100")]
    [InlineData("24GB..40GB:1..2", "1..2xGPU (24GB..40GB)")]
    [InlineData("A10G,A100", "1xA10G,A100")]
    public void ToString_Spec_IsDstackPlanDisplay(string text, string expected)
    {
        Assert.Equal(expected, GpuSpecParser.Parse(text).ToString());
    }

    private static string Describe(GpuSpec spec) =>
        string.Join(
            '|',
            spec.Vendor?.ToString().ToLowerInvariant() ?? string.Empty,
            spec.Name is null ? string.Empty : string.Join(',', spec.Name),
            spec.Count.ToString(),
            spec.Memory?.ToString() ?? string.Empty);
}
