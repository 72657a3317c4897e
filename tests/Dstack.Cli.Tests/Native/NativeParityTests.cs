using Dstack.Cli.Tests.Runs;

namespace Dstack.Cli.Tests.Native;

/// <summary>
/// The native CLI answers exactly as the portable one: <c>validate --format json</c> (every diagnostic with its code,
/// place and message, and the normalized configuration) over every example and every error fixture, the schema,
/// and a run on this machine with ps, logs and stop from other processes.
/// </summary>
public sealed class NativeParityTests : IDisposable
{
    private static readonly string Fixtures = Path.Combine(RepositoryLayout.Root, "tests", "Dstack.Cli.Tests", "Fixtures", "Errors");

    private readonly DstackSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    /// <summary>Every example and error fixture, relative to the repository root.</summary>
    public static TheoryData<string> Files() => [.. FileList()];

    private static List<string> FileList()
    {
        var fixtures = Directory.EnumerateFiles(Fixtures, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepositoryLayout.Root, f).Replace('\\', '/'));
        var examples = RepositoryLayout.ExampleFiles().Select(f => $"examples/{f}");
        return [.. examples.Concat(fixtures).Order(StringComparer.Ordinal)];
    }

    [NativeTheory]
    [MemberData(nameof(Files))]
    public async Task ValidateJson_NativeEqualsPortable(string file)
    {
        var native = await NativeBuild.RunNativeAsync("validate", file, "--format", "json");
        var portable = await NativeBuild.RunPortableAsync("validate", file, "--format", "json");

        Assert.Equal(portable, native);
    }

    [Fact]
    public void Fixtures_CoverErrorsOfEveryKindOfFile()
    {
        var files = FileList();

        Assert.Contains(files, f => f.EndsWith("scanner-failure.dstack.yml", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith(".dstack/profiles.yml", StringComparison.Ordinal) && f.StartsWith("tests/", StringComparison.Ordinal));
        Assert.Contains(files, f => f.Contains(".dstack/workflows/", StringComparison.Ordinal) && f.StartsWith("tests/", StringComparison.Ordinal));
    }

    [NativeTheory]
    [InlineData]
    [InlineData("--profiles")]
    [InlineData("--workflows")]
    public async Task Schema_NativeEqualsPortable(params string[] options)
    {
        var native = await NativeBuild.RunNativeAsync(["schema", .. options]);
        var portable = await NativeBuild.RunPortableAsync(["schema", .. options]);

        Assert.Equal(0, native.Code);
        Assert.Equal(portable, native);
    }

    [NativeFact]
    public async Task Native_RunHelloThenDetachedRun_PsLogsAndStopWork()
    {
        _sandbox.Write(".dstack.yml", "type: task\nname: hello\ncommands:\n  - echo hello from native\n");
        var validate = await _sandbox.StartProgram(NativeBuild.Cli, "validate").WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(validate.Code == 0, validate.ToString());

        var hello = await _sandbox.StartProgram(NativeBuild.Cli, "run", "-y").WaitAsync(TimeSpan.FromSeconds(90));
        Assert.True(hello.Code == 0, hello.ToString());
        Assert.Contains("hello from native\n", hello.Output, StringComparison.Ordinal);

        _sandbox.Write("background.dstack.yml", "type: task\nname: background\ncommands:\n  - echo started\n  - sleep 300\n");
        var submitted = await _sandbox.StartProgram(NativeBuild.Cli, "run", "-f", "background.dstack.yml", "-y", "-d").WaitAsync(TimeSpan.FromSeconds(90));
        Assert.True(submitted.Code == 0, submitted.ToString());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        string logs;
        do
        {
            logs = (await _sandbox.StartProgram(NativeBuild.Cli, "logs", "background").WaitAsync(TimeSpan.FromSeconds(60))).Output;
            await Task.Delay(100);
        }
        while (!logs.Contains("started", StringComparison.Ordinal) && DateTime.UtcNow < deadline);
        Assert.Contains("started", logs, StringComparison.Ordinal);
        // The native CLI carries no controller: the run's controller is dstack-controller beside it.
        Assert.Contains(ControllersOf(_sandbox.Home), c => c == Path.Combine(Path.GetDirectoryName(NativeBuild.Cli)!, "dstack-controller"));
        var builtIn = await _sandbox.StartProgram(NativeBuild.Cli, "controller").WaitAsync(TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, builtIn.Code);
        Assert.Contains("'controller'", builtIn.Error, StringComparison.Ordinal);

        var ps = await _sandbox.StartProgram(NativeBuild.Cli, "ps", "-a", "--json").WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(ps.Code == 0, ps.ToString());
        var runs = System.Text.Json.JsonDocument.Parse(ps.Output).RootElement.GetProperty("runs").EnumerateArray()
            .ToDictionary(r => r.GetProperty("name").GetString()!, r => r.GetProperty("status").GetString());
        Assert.Equal("done", runs["hello"]);
        Assert.Equal("running", runs["background"]);

        var stop = await _sandbox.StartProgram(NativeBuild.Cli, "stop", "background", "-y").WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(stop.Code == 0, stop.ToString());
        Assert.Empty(await _sandbox.WaitForNoJobProcessesAsync("background", TimeSpan.FromSeconds(10)));
        Assert.Equal("terminated", (await _sandbox.RunRecordAsync("background")).GetProperty("status").GetString());
    }

    [NativeFact]
    public async Task Native_ConfigWithAnAzureEntry_LeavesItOutNamingThePortableBuild()
    {
        File.WriteAllText(
            Path.Combine(_sandbox.Home, "config.yml"),
            "backends:\n  - type: azure\n    subscription_id: 00000000-0000-0000-0000-000000000000\n    tenant_id: t\n    creds:\n      type: default\n");
        var list = await _sandbox.StartProgram(NativeBuild.Cli, "backend", "list").WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(list.Code == 0, list.ToString());
        Assert.Contains("warning DSTK3019: the azure backend is not in the native build of dstack", list.Error, StringComparison.Ordinal);
        Assert.Contains("local", list.Output, StringComparison.Ordinal);
    }

    /// <summary>The programs of the controllers running for <paramref name="home"/> (their DSTACK_HOME), from /proc.</summary>
    private static List<string> ControllersOf(string home)
    {
        var found = new List<string>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var arguments = File.ReadAllText(Path.Combine(folder, "cmdline")).Split('\0');
                var environment = File.ReadAllText(Path.Combine(folder, "environ")).Split('\0');
                if (arguments is [var program, "controller", ..] && environment.Contains("DSTACK_HOME=" + home))
                {
                    found.Add(program);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        return found;
    }
}
