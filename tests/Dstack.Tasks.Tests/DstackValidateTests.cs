using Microsoft.Build.Utilities;

namespace Dstack.Tasks.Tests;

public sealed class DstackValidateTests
{
    private const string BrokenRange = "type: task\ncommands:\n  - echo hi\nresources:\n  memory: 80GB..40GB\n";

    [Fact]
    public void Execute_BrokenFile_LogsErrorWithCodeFileLineAndColumn()
    {
        using var folder = new TempFolder();
        var file = folder.Write("bad.dstack.yml", BrokenRange);
        var (task, engine) = NewTask(TestPaths.CliDll, file);

        Assert.False(task.Execute(), engine.ToString());

        var error = Assert.Single(engine.Errors);
        Assert.Equal(("DSTK2003", file, 5, 11), (error.Code, error.File, error.LineNumber, error.ColumnNumber));
        Assert.StartsWith("resources.memory: Invalid range order: 80GB..40GB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_WarningOnly_LogsWarningAndSucceeds()
    {
        using var folder = new TempFolder();
        var file = folder.Write("dir (1)/warn {0}.dstack.yml", "type: task\ncommands:\n  - echo hi\nresources:\n  gpu: 4090\n");
        var (task, engine) = NewTask(TestPaths.CliDll, file);

        Assert.True(task.Execute(), engine.ToString());

        Assert.Empty(engine.Errors);
        var warning = Assert.Single(engine.Warnings);
        Assert.Equal(("DSTK2011", file, 5, 8), (warning.Code, warning.File, warning.LineNumber, warning.ColumnNumber));
        Assert.Equal(1, task.WarningCount);
    }

    [Fact]
    public void Execute_MissingFile_LogsTheCliErrorAndTheUsageError()
    {
        using var folder = new TempFolder();
        var (task, engine) = NewTask(TestPaths.CliDll, Path.Combine(folder.Path, "gone.dstack.yml"));

        Assert.False(task.Execute());

        Assert.Equal(["DSTK0001", "DSTK0004"], engine.Errors.Select(e => e.Code));
        Assert.Contains("exited with code 2 (wrong usage)", engine.Errors[1].Message, StringComparison.Ordinal);
        Assert.Contains("validate --format msbuild", engine.Errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_MissingCli_LogsSetupErrorNamingThePathAndProperty()
    {
        using var folder = new TempFolder();
        var file = folder.Write("ok.dstack.yml", "type: task\ncommands:\n  - echo hi\n");
        var cli = Path.Combine(folder.Path, "nowhere", "dstack.dll");
        var (task, engine) = NewTask(cli, file);

        Assert.False(task.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal("DSTK0004", error.Code);
        Assert.Contains(cli, error.Message, StringComparison.Ordinal);
        Assert.Contains("DstackCliPath", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_NoFiles_SucceedsWithoutRunningTheCli()
    {
        var engine = new RecordingBuildEngine();
        var task = new DstackValidate { BuildEngine = engine, DstackCliPath = "/nowhere/dstack.dll", Files = [] };

        Assert.True(task.Execute());
        Assert.Empty(engine.Errors);
    }

    [NativeCliFact]
    public void Execute_NativeCliBesideThePortableOne_ChecksWithTheNative()
    {
        using var package = new TempFolder();
        // An empty dstack.dll: the check only succeeds if the task starts the native CLI beside it.
        var dll = package.Write("tools/cli/dstack.dll", "");
        Directory.CreateDirectory(Path.Combine(package.Path, "tools", "cli-native", "linux-x64"));
        File.CreateSymbolicLink(Path.Combine(package.Path, "tools", "cli-native", "linux-x64", "dstack"), NativeCliFactAttribute.NativeCli);
        var file = package.Write("bad.dstack.yml", BrokenRange);
        var (task, engine) = NewTask(dll, file);

        Assert.False(task.Execute(), engine.ToString());

        var error = Assert.Single(engine.Errors);
        Assert.Equal(("DSTK2003", file, 5, 11), (error.Code, error.File, error.LineNumber, error.ColumnNumber));

        var (portableOnly, portableEngine) = NewTask(dll, file);
        portableOnly.PreferNativeCli = false;
        Assert.False(portableOnly.Execute());
        Assert.DoesNotContain(portableEngine.Errors, e => e.Code == "DSTK2003");
    }

    private static (DstackValidate Task, RecordingBuildEngine Engine) NewTask(string cli, params string[] files)
    {
        var engine = new RecordingBuildEngine();
        var task = new DstackValidate
        {
            BuildEngine = engine,
            DstackCliPath = cli,
            Files = [.. files.Select(f => new TaskItem(f))],
        };
        return (task, engine);
    }
}
