using Dstack.LanguageServer.Protocol;
using Dstack.Runtime.Runs;

namespace Dstack.LanguageServer.Commands;

/// <summary>
/// The terminal command that runs a configuration: <c>dstack run . -f FILE [-d] [ARGS...]</c> in its
/// <see cref="RunFolder"/>. The file is named relative to that folder (the CLI reads <c>-f</c> from the current
/// folder), so the line reads as a person would type it. Without <c>-y</c>: the CLI shows the plan and asks first.
/// </summary>
public static class RunCommandLine
{
    public const string Program = "dstack";

    public static RunCommandLineResult For(string filePath, RunCommandLineOptions? options, string? dstackHome = null)
    {
        var folder = RunFolder.Of(filePath, dstackHome);
        var file = Path.GetRelativePath(folder, Path.GetFullPath(filePath)).Replace('\\', '/');
        List<string> args = ["run", ".", "-f", file];
        if (options?.Detach == true)
        {
            args.Add("-d");
        }

        args.AddRange(options?.Options ?? []);
        if (options?.Args is { Count: > 0 } runArgs)
        {
            // After `--` every argument is the run's, even one that looks like a dstack option (`-d`, `--env`).
            args.Add("--");
            args.AddRange(runArgs);
        }
        return new RunCommandLineResult(Program, args, folder, ShellQuote.Join([Program, .. args]));
    }
}
