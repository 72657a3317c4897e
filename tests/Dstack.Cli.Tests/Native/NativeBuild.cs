using System.Diagnostics;

namespace Dstack.Cli.Tests.Native;

/// <summary>
/// The native (Native AOT) CLI that scripts/publish-native.sh puts in artifacts/native, and the portable (JIT) one
/// this test project builds, run as real processes from the repository root.
/// </summary>
public static class NativeBuild
{
    public static string Cli { get; } = Path.Combine(RepositoryLayout.Root, "artifacts", "native", "linux-x64", "dstack", "dstack");

    /// <summary>Why the native tests cannot run (the binary was not published), or null.</summary>
    public static string? MissingReason => File.Exists(Cli)
        ? null
        : $"the native CLI is not published ({Cli} is missing): run `bash scripts/publish-native.sh` (the full scripts/test.sh does)";

    private static string PortableDll { get; } = Path.Combine(AppContext.BaseDirectory, "dstack.dll");

    public static Task<(int Code, string Output, string Error)> RunNativeAsync(params string[] args) => RunAsync(Cli, args);

    public static Task<(int Code, string Output, string Error)> RunPortableAsync(params string[] args) => RunAsync("dotnet", [PortableDll, .. args]);

    private static async Task<(int Code, string Output, string Error)> RunAsync(string program, string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryLayout.Root,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await error);
    }
}

/// <summary>A fact that needs the published native CLI; skipped, saying how to publish it, when it is missing.</summary>
public sealed class NativeFactAttribute : FactAttribute
{
    public NativeFactAttribute()
    {
        Skip = NativeBuild.MissingReason;
    }
}

/// <summary>A theory that needs the published native CLI; skipped, saying how to publish it, when it is missing.</summary>
public sealed class NativeTheoryAttribute : TheoryAttribute
{
    public NativeTheoryAttribute()
    {
        Skip = NativeBuild.MissingReason;
    }
}
