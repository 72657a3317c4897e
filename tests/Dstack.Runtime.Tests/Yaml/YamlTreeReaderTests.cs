using System.Text;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Yaml;

namespace Dstack.Runtime.Tests.Yaml;

[Trait("Category", "Fast")]
public sealed class YamlTreeReaderTests
{
    [Fact]
    public void Read_DuplicateKey_ReportsTheSecondKeyAndKeepsTheFirstValue()
    {
        var (root, diagnostics) = Read("type: task\nname: first\nname: second\n");

        var duplicate = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.DuplicateKey, duplicate.Code);
        Assert.Equal(DiagnosticSeverity.Error, duplicate.Severity);
        Assert.Equal((3, 1, 3, 5), Position(duplicate.Span));
        Assert.Contains("duplicate key `name`", duplicate.Message, StringComparison.Ordinal);
        Assert.Contains("line 2", duplicate.Message, StringComparison.Ordinal);
        Assert.Equal("first", Scalar(Assert.IsType<YamlMapping>(root)["name"]));
    }

    [Fact]
    public void Read_DuplicateNestedKey_PointsAtTheNestedKey()
    {
        var (_, diagnostics) = Read("type: task\nresources:\n  gpu: A100\n  gpu: H100\n");

        var duplicate = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.DuplicateKey, duplicate.Code);
        Assert.Equal((4, 3, 4, 6), Position(duplicate.Span));
        Assert.Contains("line 3", duplicate.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ThreeEqualKeys_ReportsEachRepeat()
    {
        var (_, diagnostics) = Read("a: 1\na: 2\na: 3\n");

        Assert.Equal([2, 3], diagnostics.Where(d => d.Code == DiagnosticCodes.DuplicateKey).Select(d => d.Span.StartLine));
    }

    [Fact]
    public void Read_SameKeyInDifferentMappings_IsNotADuplicate()
    {
        var (_, diagnostics) = Read("a:\n  name: x\nb:\n  name: y\n");

        Assert.Empty(diagnostics);
    }

    [Fact]
    public void Read_Alias_GivesTheAnchoredNode()
    {
        var (root, diagnostics) = Read("base: &res\n  gpu: A100\nresources: *res\n");

        Assert.Empty(diagnostics);
        var mapping = Assert.IsType<YamlMapping>(root);
        Assert.Same(mapping["base"], mapping["resources"]);
        Assert.Equal("A100", Scalar(Assert.IsType<YamlMapping>(mapping["resources"])["gpu"]));
    }

    [Fact]
    public void Read_ScalarAlias_GivesTheAnchoredText()
    {
        var (root, diagnostics) = Read("image: &img ubuntu:22.04\nother: *img\n");

        Assert.Empty(diagnostics);
        Assert.Equal("ubuntu:22.04", Scalar(Assert.IsType<YamlMapping>(root)["other"]));
    }

    [Fact]
    public void Read_SequenceAlias_GivesTheAnchoredList()
    {
        var (root, diagnostics) = Read("a: &cmds\n  - echo 1\n  - echo 2\nb: *cmds\n");

        Assert.Empty(diagnostics);
        var list = Assert.IsType<YamlSequence>(Assert.IsType<YamlMapping>(root)["b"]);
        Assert.Equal(["echo 1", "echo 2"], list.Items.Select(Scalar));
    }

    [Fact]
    public void Read_MergeKey_AddsTheMergedEntriesAndOwnKeysWin()
    {
        var (root, diagnostics) = Read("base: &base\n  cpu: 4\n  memory: 16GB\nresources:\n  <<: *base\n  cpu: 8\n");

        Assert.Empty(diagnostics);
        var resources = Assert.IsType<YamlMapping>(Assert.IsType<YamlMapping>(root)["resources"]);
        Assert.Equal("8", Scalar(resources["cpu"]));
        Assert.Equal("16GB", Scalar(resources["memory"]));
        Assert.Null(resources.Find("<<"));
        Assert.Equal(2, resources.Entries.Count);
    }

    [Fact]
    public void Read_MergeKeyAfterOwnKey_OwnKeyStillWins()
    {
        var (root, diagnostics) = Read("base: &base {cpu: 4}\nresources:\n  cpu: 8\n  <<: *base\n");

        Assert.Empty(diagnostics);
        Assert.Equal("8", Scalar(Assert.IsType<YamlMapping>(Assert.IsType<YamlMapping>(root)["resources"])["cpu"]));
    }

    [Fact]
    public void Read_MergeKeyWithList_EarlierMappingsWin()
    {
        var (root, diagnostics) = Read("a: &a {cpu: 1, disk: 100GB}\nb: &b {cpu: 2, memory: 8GB}\nc:\n  <<: [*a, *b]\n");

        Assert.Empty(diagnostics);
        var c = Assert.IsType<YamlMapping>(Assert.IsType<YamlMapping>(root)["c"]);
        Assert.Equal("1", Scalar(c["cpu"]));
        Assert.Equal("100GB", Scalar(c["disk"]));
        Assert.Equal("8GB", Scalar(c["memory"]));
    }

    [Theory]
    [InlineData("b:\n  <<: text\n", 2, 7)]
    [InlineData("b:\n  <<: [1]\n", 2, 8)]
    public void Read_MergeOfNonMapping_IsWrongType(string yaml, int line, int column)
    {
        var (_, diagnostics) = Read(yaml);

        var error = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.WrongType, error.Code);
        Assert.Equal((line, column), (error.Span.StartLine, error.Span.StartColumn));
        Assert.Contains("merge key `<<`", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnknownAlias_ReportsItAtTheAlias()
    {
        var (root, diagnostics) = Read("type: task\nresources: *nothing\n");

        var error = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.UnknownAlias, error.Code);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Equal((2, 12), (error.Span.StartLine, error.Span.StartColumn));
        Assert.Contains("*nothing", error.Message, StringComparison.Ordinal);
        Assert.Contains("&nothing", error.Message, StringComparison.Ordinal);
        Assert.NotNull(root);
    }

    [Fact]
    public void Read_MultiLinePlainScalar_FoldsToOneLine()
    {
        var (root, diagnostics) = Read(
            "commands:\n  - torchrun\n    --nproc_per_node=8\n    --nnodes=$DSTACK_NODES_NUM\n    train.py\n");

        Assert.Empty(diagnostics);
        var commands = Assert.IsType<YamlSequence>(Assert.IsType<YamlMapping>(root)["commands"]);
        var command = Assert.IsType<YamlScalar>(Assert.Single(commands.Items));
        Assert.Equal("torchrun --nproc_per_node=8 --nnodes=$DSTACK_NODES_NUM train.py", command.Value);
        Assert.Equal((2, 5, 5, 13), Position(command.Span));
    }

    [Theory]
    [InlineData("v: >\n  python train.py\n  --epochs 3\n", "python train.py --epochs 3\n")]
    [InlineData("v: >-\n  python train.py\n  --epochs 3\n", "python train.py --epochs 3")]
    [InlineData("v: |\n  echo a\n  echo b\n", "echo a\necho b\n")]
    [InlineData("v: \"a\n  b\"\n", "a b")]
    [InlineData("v: 'it''s'\n", "it's")]
    [InlineData("v: \"tab\\there\"\n", "tab\there")]
    [InlineData("v: plain text # comment\n", "plain text")]
    public void Read_ScalarStyles_GiveYamlText(string yaml, string expected)
    {
        var (root, diagnostics) = Read(yaml);

        Assert.Empty(diagnostics);
        Assert.Equal(expected, Scalar(Assert.IsType<YamlMapping>(root)["v"]));
    }

    [Fact]
    public void Read_PythonVersion_KeepsTheWrittenText()
    {
        var (root, _) = Read("python: 3.10\n");

        var python = Assert.IsType<YamlScalar>(Assert.IsType<YamlMapping>(root)["python"]);
        Assert.Equal("3.10", python.Value);
        Assert.Equal(ScalarKind.Float, python.Kind);
    }

    [Theory]
    [InlineData("name: abc\n", 1, 7, 1, 10)]
    [InlineData("name: 'abc'\n", 1, 7, 1, 12)]
    [InlineData("x: 1\nname:   abc  \n", 2, 9, 2, 12)]
    [InlineData("r:\n  gpu: A100:80XB\n", 2, 8, 2, 17)]
    public void Read_Scalar_HasOneBasedSpanWithExclusiveEnd(string yaml, int line, int column, int endLine, int endColumn)
    {
        var (root, _) = Read(yaml);

        var mapping = Assert.IsType<YamlMapping>(root);
        var node = mapping.Find("name")?.Value ?? Assert.IsType<YamlMapping>(mapping["r"])["gpu"]!;
        Assert.Equal((line, column, endLine, endColumn), Position(node.Span));
    }

    [Theory]
    [InlineData("gpu: A100:80XB\n", 5, 4, 1, 11, 15)]
    [InlineData("gpu: 'A100:80XB'\n", 5, 4, 1, 12, 16)]
    [InlineData("gpu: \"A100:80XB\"\n", 0, 4, 1, 7, 11)]
    public void SpanOf_PartOfOneLineValue_PointsAtThoseColumns(string yaml, int offset, int length, int line, int column, int endColumn)
    {
        var (root, _) = Read(yaml);

        var scalar = Assert.IsType<YamlScalar>(Assert.IsType<YamlMapping>(root)["gpu"]);
        Assert.Equal((line, column, line, endColumn), Position(scalar.SpanOf(offset, length)));
    }

    [Theory]
    [InlineData("gpu: \"A\\u0031\\u0030\\u0030:80XB\"\n")]
    [InlineData("gpu: >\n  A100:80XB\n")]
    public void SpanOf_ValueWithEscapesOrBlock_FallsBackToTheWholeValue(string yaml)
    {
        var (root, _) = Read(yaml);

        var scalar = Assert.IsType<YamlScalar>(Assert.IsType<YamlMapping>(root)["gpu"]);
        Assert.Equal(scalar.Span, scalar.SpanOf(5, 4));
    }

    [Fact]
    public void Read_EmptyText_IsNullWithoutDiagnostics()
    {
        var (root, diagnostics) = Read(string.Empty);

        Assert.Null(root);
        Assert.Empty(diagnostics);
    }

    [Fact]
    public void Read_TwoDocuments_ReportsTheSecondSeparator()
    {
        var (root, diagnostics) = Read("type: task\ncommands: [a]\n---\ntype: service\n");

        var error = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.MultipleDocuments, error.Code);
        Assert.Equal(3, error.Span.StartLine);
        Assert.Equal("task", Scalar(Assert.IsType<YamlMapping>(root)["type"]));
    }

    [Fact]
    public void Read_ExplicitSingleDocument_IsNotAnError()
    {
        var (root, diagnostics) = Read("---\ntype: task\n...\n");

        Assert.Empty(diagnostics);
        Assert.NotNull(root);
    }

    [Theory]
    [InlineData("type: task\ncommands:\n\t- echo hi\n", 3, 1)]
    [InlineData("type: task\nresources:\n  gpu: A100\n\tcpu: 4\n", 4, 1)]
    [InlineData("type: task\nresources:\n  \tcpu: 4\n", 3, 3)]
    public void Read_TabIndentation_ReportsTheTab(string yaml, int line, int column)
    {
        var (_, diagnostics) = Read(yaml);

        var error = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.TabIndentation, error.Code);
        Assert.Equal((line, column, line, column + 1), Position(error.Span));
        Assert.Contains("tab", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("v: |\n  \tindented\n", "\tindented\n")]
    [InlineData("v: \"a\n  \tb\"\n", "a b")]
    public void Read_TabInsideMultiLineScalar_IsContent(string yaml, string expected)
    {
        var (root, diagnostics) = Read(yaml);

        Assert.Empty(diagnostics);
        Assert.Equal(expected, Scalar(Assert.IsType<YamlMapping>(root)["v"]));
    }

    [Fact]
    public void Read_TabInsideValue_IsNotIndentation()
    {
        var (root, diagnostics) = Read("type: task\nname: \"a\tb\"\n");

        Assert.Empty(diagnostics);
        Assert.Equal("a\tb", Scalar(Assert.IsType<YamlMapping>(root)["name"]));
    }

    [Theory]
    [InlineData("type: task\ncommands: [echo\n", 3, "invalid YAML")]
    [InlineData("type: task\nname: a: b\n", 2, "invalid YAML")]
    [InlineData("type: task\n  name: x\n", 2, "invalid YAML")]
    [InlineData("type: task\ncommands:\n  - a\n - b\n", 4, "invalid YAML")]
    [InlineData("type: task\nname: \"unclosed\n", 3, "invalid YAML")]
    [InlineData("type: task\nname: `x`\n", 2, "invalid YAML")]
    [InlineData("type: task\nenv: {A: 1\n", 3, "invalid YAML")]
    public void Read_SyntaxError_ReportsAPositionInsideTheFile(string yaml, int maxLine, string text)
    {
        var (root, diagnostics) = Read(yaml);

        Assert.Null(root);
        var error = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.YamlSyntax, error.Code);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.InRange(error.Span.StartLine, 2, maxLine);
        Assert.True(error.Span.StartColumn >= 1, $"column {error.Span.StartColumn}");
        Assert.InRange(error.Span.Start, 0, yaml.Length);
        Assert.Contains(text, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ComplexKey_IsWrongType()
    {
        var (_, diagnostics) = Read("? [a, b]\n: value\n");

        var error = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.WrongType, error.Code);
        Assert.Contains("a key must be a plain name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NestedMapping_SpansFromFirstKeyToLastValue()
    {
        var (root, _) = Read("resources:\n  cpu: 4\n  memory: 16GB\n");

        var resources = Assert.IsType<YamlMapping>(Assert.IsType<YamlMapping>(root)["resources"]);
        Assert.Equal((2, 3, 3, 15), Position(resources.Span));
    }

    [Fact]
    public void Decode_Utf8WithBom_DropsTheBom()
    {
        var bag = new DiagnosticBag("t.yml");
        var text = SourceDecoder.Decode([0xEF, 0xBB, 0xBF, .. "type: task"u8], bag);

        Assert.Equal("type: task", text);
        Assert.Empty(bag.Items);
    }

    [Theory]
    [InlineData("utf-16LE")]
    [InlineData("utf-16BE")]
    public void Decode_Utf16WithBom_IsDecoded(string encodingName)
    {
        var encoding = Encoding.GetEncoding(encodingName);
        var bag = new DiagnosticBag("t.yml");

        var text = SourceDecoder.Decode([.. encoding.GetPreamble(), .. encoding.GetBytes("name: café")], bag);

        Assert.Equal("name: café", text);
        Assert.Empty(bag.Items);
    }

    [Theory]
    [InlineData(new byte[] { 0x61, 0x3A, 0x20, 0xE9, 0x0A }, 1, 4, 0xE9)]
    [InlineData(new byte[] { 0x61, 0x0A, 0x62, 0x3A, 0x20, 0x63, 0x61, 0x66, 0xE9, 0x0A }, 2, 7, 0xE9)]
    [InlineData(new byte[] { 0x61, 0x3A, 0x20, 0xC3, 0xA9, 0xFF }, 1, 5, 0xFF)]
    public void Decode_InvalidUtf8_ReportsTheByteAndItsPosition(byte[] bytes, int line, int column, int value)
    {
        var bag = new DiagnosticBag("t.yml");

        var text = SourceDecoder.Decode(bytes, bag);

        Assert.Null(text);
        var error = Assert.Single(bag.Items);
        Assert.Equal(DiagnosticCodes.InvalidEncoding, error.Code);
        Assert.Equal((line, column, line, column + 1), Position(error.Span));
        Assert.Contains($"0x{value:X2}", error.Message, StringComparison.Ordinal);
        Assert.Contains("UTF-8", error.Message, StringComparison.Ordinal);
    }

    private static (YamlNode? Root, IReadOnlyList<Diagnostic> Diagnostics) Read(string text)
    {
        var bag = new DiagnosticBag("test.yml");
        var root = YamlTreeReader.Read(text, bag);
        return (root, bag.ToSortedList());
    }

    private static string Scalar(YamlNode? node) => Assert.IsType<YamlScalar>(node).Value;

    private static (int, int, int, int) Position(SourceSpan span) => (span.StartLine, span.StartColumn, span.EndLine, span.EndColumn);
}
