using Dstack.LanguageServer.Protocol;
using Dstack.Runtime.Runs;

namespace Dstack.LanguageServer.Commands;

/// <summary>
/// The terminal command that runs a configuration: <c>dstack run . -f FILE [-d] [ARGS...]</c> in its
/// <see cref="RunFolder"/>. The file is named relative to that folder (the CLI reads <c>-f</c> from the current
/// folder), so the line reads as a person would type it. A workflow runs as <c>dstack run --workflow NAME [--with-deps]
/// [-d] [-- ARGS...]</c> in its repository folder (<c>--workflow</c>: never taken for a folder of that name). Without <c>-y</c>: the CLI shows the plan and asks first.
/// </summary>
public static class RunCommandLine
{
    public const string Program = "dstack";

    /// <summary>The command line for <paramref name="target"/>: its workflow when it names one, else its file.</summary>
    public static RunCommandLineResult For(CommandTarget target, RunCommandLineOptions? options) =>
        target is { Workflow: { } workflow, RepoFolder: { } repo } ? ForWorkflow(workflow, repo, options) : For(target.Path, options);

    /// <summary><c>dstack run --workflow NAME</c> in <paramref name="repoFolder"/>, the folder that holds <c>.dstack/workflows</c>.</summary>
    public static RunCommandLineResult ForWorkflow(string workflow, string repoFolder, RunCommandLineOptions? options)
    {
        List<string> args = ["run", "--workflow", workflow];
        if (options?.WithDeps == true)
        {
            args.Add("--with-deps");
        }

        return Finish(args, Path.GetFullPath(repoFolder), options);
    }

    public static RunCommandLineResult For(string filePath, RunCommandLineOptions? options, string? dstackHome = null)
    {
        var folder = RunFolder.Of(filePath, dstackHome);
        var file = Path.GetRelativePath(folder, Path.GetFullPath(filePath)).Replace('\\', '/');
        return Finish(["run", ".", "-f", file], folder, options);
    }

    private static RunCommandLineResult Finish(List<string> args, string folder, RunCommandLineOptions? options)
    {
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
