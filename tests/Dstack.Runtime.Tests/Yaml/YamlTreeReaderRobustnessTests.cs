using Dstack.Runtime.Configuration;
using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Tests.Yaml;

/// <summary>Regressions found by the fuzzer: inputs that crashed the reader or misplaced diagnostics.</summary>
[Trait("Category", "Fast")]
public sealed class YamlTreeReaderRobustnessTests
{
    [Theory]
    [InlineData("type: task\ncommands: [pyt\u0085hon run.py]\n")]
    [InlineData("type: task\ninstance_types: [p4d...\n.24xlarge]\n")]
    [InlineData("type: task\nresources:\n  gpu:\n    name: [H[100, A100]\n")]
    public void Read_BrokenPlainValueInFlowCollection_IsSyntaxErrorNotInternalError(string text)
    {
        var document = ConfigurationLoader.LoadText("a.dstack.yml", text);

        var error = Assert.Single(document.Diagnostics, d => d.IsError);
        Assert.Equal(DiagnosticCodes.YamlSyntax, error.Code);
    }

    [Fact]
    public void Read_CollectionsNestedTenThousandDeep_ReportsNestingInsteadOfOverflowingTheStack()
    {
        var text = "type: task\ncommands: " + new string('[', 10_000) + "x" + new string(']', 10_000) + "\n";

        var document = ConfigurationLoader.LoadText("a.dstack.yml", text);

        var error = Assert.Single(document.Diagnostics, d => d.Code == DiagnosticCodes.NestingTooDeep);
        Assert.Equal(2, error.Span.StartLine);
    }

    [Theory]
    [InlineData("\u0085")]
    [InlineData("\u2028")]
    public void Read_UnicodeLineSeparatorInsideValue_KeepsEditorLineNumbers(string separator)
    {
        var text = $"type: task\nimage: \"a{separator}  b\"\nnodes: x\n";

        var document = ConfigurationLoader.LoadText("a.dstack.yml", text);

        var error = Assert.Single(document.Diagnostics, d => d.IsError);
        Assert.True((3, 8) == (error.Span.StartLine, error.Span.StartColumn), error.ToString());
    }
}
