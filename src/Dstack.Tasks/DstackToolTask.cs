using System.Diagnostics.CodeAnalysis;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Dstack.Tasks;

/// <summary>
/// Runs the dstack CLI out of process and turns its canonical output lines into MSBuild errors, warnings and
/// messages, so that none of the CLI's dependencies ever load into MSBuild.
/// </summary>
public abstract class DstackToolTask : ToolTask
{
    /// <summary>The code for a broken set-up: no CLI, or a CLI that refused the command line (exit code 2).</summary>
    public const string SetupErrorCode = "DSTK0004";

    /// <summary>DstackRun cannot tell which configuration to run.</summary>
    public const string ConfigurationChoiceErrorCode = "DSTK0005";

    /// <summary>DstackStop does not know which run to stop.</summary>
    public const string NoRunToStopErrorCode = "DSTK0006";

    /// <summary>The run did not finish its work (the CLI reports it itself, except when it was interrupted).</summary>
    public const string RunFailedErrorCode = "DSTK3018";

    /// <summary>The terminal logger will not show the run's output as it arrives.</summary>
    public const string OutputHiddenWarningCode = "DSTK0007";

    /// <summary>DstackRun submitted a service that did not answer: it ended first, or DstackServiceReadyTimeout passed.</summary>
    public const string ServiceNotReadyErrorCode = "DSTK0008";

    /// <summary>Exit code of the CLI for wrong usage (DESIGN.md, "Contracts").</summary>
    private const int UsageExitCode = 2;

    private string commandLine = "";

    /// <summary>True once a warning was logged that the project turns into an error (<c>MSBuildWarningsAsErrors</c>).</summary>
    protected bool LoggedWarningAsError { get; private set; }

    /// <summary>
    /// How many warnings the CLI reported. The command-line switch <c>-warnaserror</c> turns them into errors only in
    /// the loggers, which a task cannot see, so targets use this to stay out of date while warnings remain.
    /// </summary>
    [Output]
    public int WarningCount { get; private set; }

    /// <summary>The CLI: the apphost (<c>dstack</c>, <c>dstack.exe</c>) runs as is, <c>dstack.dll</c> runs with <c>dotnet</c>.</summary>
    [Required]
    [NotNull]
    public string? DstackCliPath { get; set; }

    protected override string ToolName => OperatingSystem.IsWindows() ? "dstack.exe" : "dstack";

    /// <summary>The arguments after the CLI path, such as <c>validate --format msbuild a.dstack.yml</c>.</summary>
    protected abstract void AppendArguments(CommandLineBuilder builder);

    /// <summary>
    /// Whether this command may run on the native CLI shipped beside the portable one (CliCommand.PreferNative): true
    /// for commands that the native build answers exactly as the portable one (it leaves the GCP and Azure backends out).
    /// </summary>
    protected virtual bool MayUseNativeCli => false;

    /// <summary>The CLI this task starts: <see cref="DstackCliPath"/>, or the native CLI beside it where that fits.</summary>
    private string Cli => MayUseNativeCli ? CliCommand.PreferNative(DstackCliPath!) : DstackCliPath!;

    protected override string GenerateFullPathToTool() => CliCommand.Program(Cli);

    protected override string GenerateCommandLineCommands()
    {
        var builder = new CommandLineBuilder();
        foreach (var prefix in CliCommand.Prefix(Cli))
        {
            builder.AppendFileNameIfNotNull(prefix);
        }

        AppendArguments(builder);
        commandLine = builder.ToString();
        return commandLine;
    }

    protected override bool ValidateParameters() => CliExists(Log, DstackCliPath) && base.ValidateParameters();

    /// <summary>True when the CLI is where the property says; otherwise logs DSTK0004 naming the path and the property.</summary>
    internal static bool CliExists(TaskLoggingHelper log, string? cliPath)
    {
        if (File.Exists(cliPath))
        {
            return true;
        }

        log.LogError(
            null, SetupErrorCode, null, null, 0, 0, 0, 0,
            "The dstack CLI was not found at '{0}': set the property DstackCliPath to a dstack or dstack.dll that exists.", cliPath);
        return false;
    }

    // No subcategory: MSBuild would print it between the location and "error", breaking the canonical line CI parses.
    protected override void LogEventsFromTextOutput(string singleLine, MessageImportance messageImportance)
    {
        if (!CanonicalDiagnosticLine.TryParse(singleLine, out var diagnostic))
        {
            Log.LogMessage(messageImportance, "{0}", singleLine);
            return;
        }

        if (diagnostic.Severity == CanonicalSeverity.Warning)
        {
            // A warning with a code obeys -warnaserror, -warnaserror:CODE and NoWarn through MSBuild itself; the task
            // must still fail then, or the target would go on and write its up-to-date stamp.
            WarningCount++;
            LoggedWarningAsError |= BuildEngine is IBuildEngine8 engine && engine.ShouldTreatWarningAsError(diagnostic.Code);
        }

        LogDiagnostic(Log, diagnostic);
    }

    /// <summary>Logs one CLI diagnostic as the MSBuild error, warning or message it is, with its code and location.</summary>
    internal static void LogDiagnostic(TaskLoggingHelper log, CanonicalDiagnosticLine diagnostic)
    {
        var (file, line, column, endLine, endColumn) =
            (diagnostic.File, diagnostic.Line, diagnostic.Column, diagnostic.EndLine, diagnostic.EndColumn);
        switch (diagnostic.Severity)
        {
            case CanonicalSeverity.Error:
                log.LogError(null, diagnostic.Code, null, file, line, column, endLine, endColumn, "{0}", diagnostic.Message);
                break;
            case CanonicalSeverity.Warning:
                log.LogWarning(null, diagnostic.Code, null, file, line, column, endLine, endColumn, "{0}", diagnostic.Message);
                break;
            default:
                log.LogMessage(null, diagnostic.Code, null, file, line, column, endLine, endColumn, MessageImportance.Normal, "{0}", diagnostic.Message);
                break;
        }
    }

    /// <summary>Called for a non-zero exit code: the CLI's own errors are already logged unless it was refused outright.</summary>
    protected override bool HandleTaskExecutionErrors()
    {
        if (ExitCode == UsageExitCode || !Log.HasLoggedErrors)
        {
            Log.LogError(
                null, SetupErrorCode, null, null, 0, 0, 0, 0,
                $"The dstack CLI exited with code {ExitCode}{(ExitCode == UsageExitCode ? " (wrong usage)" : "")}: {GenerateFullPathToTool()} {commandLine}");
        }

        return false;
    }
}
