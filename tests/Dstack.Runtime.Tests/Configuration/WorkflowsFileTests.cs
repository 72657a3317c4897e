using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using static Dstack.Runtime.Tests.Configuration.DiagnosticAssert;

namespace Dstack.Runtime.Tests.Configuration;

[Trait("Category", "Fast")]
public sealed class WorkflowsFileTests
{
    private const string Path = ".dstack/workflows/train.yaml";

    [Fact]
    public void Workflows_FullFile_Parses()
    {
        var document = Clean(
            "workflows:\n" +
            "  - name: train\n" +
            "    provider: bash\n" +
            "    python: 3.10\n" +
            "    commands:\n" +
            "      - pip install -r requirements.txt\n" +
            "      - python train.py\n" +
            "    env:\n" +
            "      - EPOCHS=3\n" +
            "    artifacts:\n" +
            "      - path: ./output\n" +
            "    cache:\n" +
            "      - path: ~/.cache/pip\n" +
            "    resources:\n" +
            "      gpu:\n" +
            "        name: V100\n" +
            "        count: 2\n" +
            "        memory: 16GB\n" +
            "      memory: 64GB\n" +
            "      shm_size: 8GB\n" +
            "      interruptible: true\n" +
            "  - name: serve\n" +
            "    provider: docker\n" +
            "    image: nginx\n" +
            "    ports: [80]\n",
            Path);

        Assert.Equal(ConfigurationKind.Workflows, document.Kind);
        var file = Assert.IsType<WorkflowsFile>(document.Model);
        var train = file.Workflows[0];
        Assert.Equal("3.10", train.Python);
        Assert.Equal(2, train.Commands.Count);
        Assert.Equal("3", train.Env.Find("EPOCHS")!.Value);
        Assert.Equal("./output", Assert.Single(train.Artifacts).Path);
        Assert.Equal(2, train.Resources!.Gpu!.Count);
        Assert.Equal("V100", train.Resources.Gpu.Name);
        Assert.Equal(16, train.Resources.Gpu.Memory!.Value.Gigabytes);
        Assert.Equal(64, train.Resources.Memory!.Value.Gigabytes);
        Assert.True(train.Resources.Interruptible);
        Assert.Equal(WorkflowProvider.Docker, file.Workflows[1].Provider);
    }

    [Theory]
    [InlineData(".dstack/workflows/a.yml")]
    [InlineData("repo/.dstack/workflows/nested.yaml")]
    [InlineData("pipelines.yml")]
    public void Workflows_AnyWorkflowsPath_IsAWorkflowsFile(string path)
    {
        var document = Clean("workflows:\n  - name: a\n    commands: [x]\n", path);

        Assert.Equal(ConfigurationKind.Workflows, document.Kind);
    }

    [Theory]
    [InlineData("workflows:\n  - name: a\n    commands: [x]\n  - name: a\n    commands: [y]\n", DiagnosticCodes.InvalidWorkflow, 4, 11, 12, "`a` is defined twice")]
    [InlineData("workflows:\n  - name: a\n    provider: docker\n", DiagnosticCodes.InvalidWorkflow, 3, 15, 21, "the docker provider needs `image`")]
    [InlineData("workflows:\n  - name: a\n    provider: bash\n", DiagnosticCodes.NothingToRun, 2, 11, 12, "the bash provider needs `commands`")]
    [InlineData("workflows:\n  - name: a\n    provider: ssh\n    commands: [x]\n", DiagnosticCodes.InvalidEnumValue, 3, 15, 18, "is not one of bash, docker")]
    [InlineData("workflows:\n  - name: a\n    commands: [x]\n    python: 2.7\n", DiagnosticCodes.InvalidPython, 4, 13, 16, "Python 2.7 is not supported")]
    [InlineData("workflows:\n  - name: a\n    commands: [x]\n    needs: [b]\n", DiagnosticCodes.UnknownProperty, 4, 5, 10, "unknown property `workflows[0].needs`")]
    [InlineData("workflows:\n  - name: a\n    commands: [x]\n    resources: {gpu: {count: 1.5}}\n", DiagnosticCodes.SuspiciousNumber, 4, 30, 33, "not a whole number")]
    [InlineData("workflows:\n  - name: a\n    commands: [x]\n    resources: {memory: 16G}\n", DiagnosticCodes.InvalidMemory, 4, 25, 28, "could not convert string to float: '16g'")]
    [InlineData("workflows:\n  - name: a\n    commands: [x]\n    env: ['1X=2']\n", DiagnosticCodes.InvalidEnvName, 4, 12, 14, "`1X` is not a valid variable name")]
    [InlineData("workflows:\n  - commands: [x]\n", DiagnosticCodes.MissingProperty, 2, 5, 5, "`name` is required")]
    [InlineData("workflows:\n  - name: ../x\n    commands: [x]\n", DiagnosticCodes.InvalidWorkflow, 2, 11, 15, "`../x` is not a valid workflow name")]
    public void Workflows_InvalidWorkflow_IsReportedAtTheExactColumns(string yaml, string code, int line, int column, int endColumn, string message)
    {
        var error = Error(yaml, code, line, column, endColumn, Path);

        Mentions(error, message);
    }

    [Fact]
    public void Workflows_EmptyFile_HintsAtWorkflows()
    {
        var error = Error("# nothing\n", DiagnosticCodes.EmptyDocument, 1, 1, 1, Path);

        Mentions(error, "start with `workflows:`");
    }
}
