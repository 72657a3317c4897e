using Dstack.LanguageServer.Workflows;

namespace Dstack.LanguageServer.Tests.Workflows;

/// <summary><see cref="WorkflowLines.NameAt"/>: the workflow a line belongs to, read from the text alone.</summary>
[Trait("Category", "Fast")]
public sealed class WorkflowLinesTests
{
    private const string File = "# pipelines\nworkflows:\n  - name: prepare\n    commands:\n      - p\n\n  - commands: [t]\n    resources:\n      gpu:\n        name: V100\n    name: 'train'\n  -   name: \"report\" # last\n    deps:\n      - workflow: train\nother: x\n";

    [Theory]
    [InlineData(0, null)]
    [InlineData(1, null)]
    [InlineData(2, "prepare")]
    [InlineData(4, "prepare")]
    [InlineData(5, "prepare")]
    [InlineData(6, "train")]
    [InlineData(9, "train")]
    [InlineData(11, "report")]
    [InlineData(13, "report")]
    [InlineData(14, null)]
    [InlineData(15, null)]
    [InlineData(-1, null)]
    [InlineData(99, null)]
    public void NameAt_FindsTheItemAroundTheLine(int line, string? expected)
    {
        Assert.Equal(expected, WorkflowLines.NameAt(File.Split('\n'), line));
    }

    [Theory]
    [InlineData("workflows:\n  name: solo\n  commands: [x]\n", 2, "solo")]
    [InlineData("workflows:\n- name: flush\n  commands: [x]\n- name: next\n", 2, "flush")]
    [InlineData("workflows:\n  - commands: [x]\n", 1, null)]
    [InlineData("profiles:\n  - name: p\n", 1, null)]
    [InlineData("workflows: [{name: a}]\n", 0, null)]
    public void NameAt_OtherShapes(string text, int line, string? expected)
    {
        Assert.Equal(expected, WorkflowLines.NameAt(text.Split('\n'), line));
    }
}
