using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using Microsoft.Build.Framework;
using Task = Microsoft.Build.Utilities.Task;

namespace Dstack.Tasks;

/// <summary>
/// Runs one configuration with <c>dstack run</c> (or shows its plan, <see cref="DryRun"/>), out of process: the
/// plan, the job's log lines and the forwarded ports' URLs appear in the build output as they arrive; the CLI's
/// diagnostics become MSBuild errors and warnings; a job that fails fails the build with DSTK3018 naming the run;
/// cancelling the build (Ctrl+C) stops the run and waits until it has stopped. A service is submitted detached and
/// waited on until it answers; its URL is <see cref="ServiceUrl"/> (DstackRun.Service.cs).
/// </summary>
public sealed partial class DstackRun : Task, ICancelableTask
{
    /// <summary>The CLI's exit code for a run it was told to stop (Ctrl+C, SIGTERM, its input closed).</summary>
    private const int InterruptedExitCode = 130;

    private CliProcess? _cli;
    private string? _configuration;
    private volatile bool _cancelled;
    private bool _detach;

    /// <summary>The CLI: <c>dstack.dll</c> (run with dotnet) or an apphost.</summary>
    [Required]
    [NotNull]
    public string? DstackCliPath { get; set; }

    /// <summary>The project's folder: relative paths are resolved against it, and the CLI runs in it.</summary>
    [Required]
    [NotNull]
    public string? ProjectDirectory { get; set; }

    /// <summary>The folder whose code the job gets (dstack's DIR); default: <see cref="ProjectDirectory"/>.</summary>
    public string? CodeDirectory { get; set; }

    /// <summary><c>DstackConfigurationFile</c>: the configuration to run; empty to pick the project's one.</summary>
    public string? ConfigurationFile { get; set; }

    /// <summary>The project's <c>DstackConfiguration</c> items, to pick from when no file is named.</summary>
    public ITaskItem[] Configurations { get; set; } = [];

    /// <summary><c>DstackWorkflow</c>: a pipelines workflow of <c>.dstack/workflows</c> to run instead of a configuration file.</summary>
    public string? Workflow { get; set; }

    /// <summary><c>DstackWithDeps</c>: with <see cref="Workflow"/>, run the workflows its deps name first (<c>--with-deps</c>).</summary>
    public bool WithDeps { get; set; }

    /// <summary><c>DstackArgs</c>: the run arguments for <c>${{ run.args }}</c>, split like a shell would.</summary>
    public string? Args { get; set; }

    /// <summary><c>DstackRunOptions</c>: more options for <c>dstack run</c>, such as <c>--max-duration 2h</c>.</summary>
    public string? Options { get; set; }

    /// <summary><c>DstackProfile</c>: <c>--profile</c>.</summary>
    public string? Profile { get; set; }

    /// <summary><c>DstackEnv</c>: <c>NAME=VALUE</c> or <c>NAME</c> (from the build's environment), each a <c>-e</c>.</summary>
    public string[] Env { get; set; } = [];

    /// <summary><c>DstackPorts</c>: each a <c>-p</c> mapping (<c>8080:80</c>, <c>3000</c>, <c>*:80</c>).</summary>
    public string[] Ports { get; set; } = [];

    /// <summary><c>DstackGpu</c>: <c>--gpu</c>.</summary>
    public string? Gpu { get; set; }

    /// <summary><c>DstackBackends</c>: each a <c>-b</c>.</summary>
    public string[] Backends { get; set; } = [];

    /// <summary><c>DstackRegions</c>: each a <c>-r</c>.</summary>
    public string[] Regions { get; set; } = [];

    /// <summary>
    /// <c>DstackDetach</c>: <c>true</c> submits and returns at once (<c>-d</c>); the run keeps going. Empty: detached
    /// for a service (which is then waited on until it answers), attached otherwise; <c>false</c> always attached.
    /// </summary>
    public string? Detach { get; set; }

    /// <summary><c>DstackRunName</c>: <c>-n</c>.</summary>
    public string? RunName { get; set; }

    /// <summary>Show the plan only (<c>--dry-run</c>): the DstackOffers target.</summary>
    public bool DryRun { get; set; }

    /// <summary>
    /// True when the build's console logger is MSBuild's terminal logger (<c>$(_MSBUILDTLENABLED)</c>), which shows a
    /// task's messages only at the end, and only with <c>-v:d</c>: the task then says how to see the output live.
    /// </summary>
    public bool TerminalLogger { get; set; }

    /// <summary>Where the submitted run's name is written, for DstackStop; empty for nowhere.</summary>
    public string? RunNameFile { get; set; }

    /// <summary>The name of the run that was submitted; empty when none was.</summary>
    [Output]
    public string SubmittedRunName { get; private set; } = "";

    /// <summary>The CLI's exit code: the job's exit code, 130 when the run was stopped by cancelling the build.</summary>
    [Output]
    public int ExitCode { get; private set; } = -1;

    /// <summary>Stops the run: the CLI sees its input close, stops the run gracefully and ends; Execute then returns.</summary>
    public void Cancel()
    {
        _cancelled = true;
        _cli?.CloseInput();
        _wake.Set();
    }

    public override bool Execute()
    {
        string? configuration;
        string? choiceProblem;
        if (!string.IsNullOrWhiteSpace(Workflow))
        {
            // A workflow is found by the CLI in the code folder's .dstack/workflows; diagnostics name their own file.
            configuration = Path.Combine(Path.GetFullPath(Path.Combine(ProjectDirectory, string.IsNullOrWhiteSpace(CodeDirectory) ? "." : CodeDirectory!)), ".dstack", "workflows");
        }
        else if (!ConfigurationChoice.TryChoose(ProjectDirectory, ConfigurationFile, Configurations.Select(c => c.ItemSpec), out configuration, out choiceProblem))
        {
            Log.LogError(null, DstackToolTask.ConfigurationChoiceErrorCode, null, null, 0, 0, 0, 0, "{0}", choiceProblem);
            return false;
        }

        if (!DstackToolTask.CliExists(Log, DstackCliPath))
        {
            return false;
        }

        _configuration = configuration;
        var isService = string.IsNullOrWhiteSpace(Workflow) && ConfigurationType.Of(configuration) == "service";
        _detach = ShouldDetach(Detach, isService, DryRun);
        WaitsForService = isService && _detach;
        if (!TryBuildArguments(configuration, out var arguments, out var environment))
        {
            return false;
        }

        if (TerminalLogger)
        {
            Log.LogWarning(null, DstackToolTask.OutputHiddenWarningCode, null, configuration, 0, 0, 0, 0,
                DryRun
                    ? "The terminal logger does not show the plan: build with -tl:off (or -v:d) to see it."
                    : "The terminal logger does not show the run's output as it arrives: build with -tl:off to follow it live (or set MSBUILDTERMINALLOGGER=off). The run's logs: dstack logs RUN -f.");
        }

        Log.LogMessage(MessageImportance.Normal, "{0} {1}", CliCommand.Program(DstackCliPath), string.Join(" ", CliCommand.Prefix(DstackCliPath).Concat(arguments).Select(Quote)));
        if (_cancelled)
        {
            return false;
        }

        try
        {
            _cli = CliProcess.Start(DstackCliPath, arguments, ProjectDirectory, environment);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            Log.LogError(null, DstackToolTask.SetupErrorCode, null, null, 0, 0, 0, 0, "The dstack CLI could not be started ({0}): {1}", CliCommand.Program(DstackCliPath), e.Message);
            return false;
        }

        // A run can take hours: let the node build other projects meanwhile.
        (BuildEngine as IBuildEngine3)?.Yield();
        try
        {
            if (_cancelled)
            {
                _cli.CloseInput();
            }

            foreach (var (_, line) in _cli.Lines)
            {
                LogLine(line);
            }

            ExitCode = _cli.WaitForExit();
        }
        finally
        {
            (BuildEngine as IBuildEngine3)?.Reacquire();
            _cli.Dispose();
        }

        return Finish();
    }

    private bool Finish()
    {
        if (_cancelled)
        {
            if (SubmittedRunName.Length > 0)
            {
                if (_detach)
                {
                    // A detached run outlives its CLI: closing the input stopped nothing.
                    StopService(SubmittedRunName);
                }

                Log.LogMessage(MessageImportance.High, "The build was cancelled: the run {0} was stopped.", SubmittedRunName);
            }

            return false;
        }

        if (ExitCode == InterruptedExitCode && !Log.HasLoggedErrors)
        {
            // The CLI itself got SIGINT or SIGTERM (not from this build): it stopped the run before leaving.
            Log.LogError(null, DstackToolTask.RunFailedErrorCode, null, _configuration, 0, 0, 0, 0,
                "the run {0} was stopped: the dstack CLI following it was interrupted (SIGINT or SIGTERM) before the run finished",
                SubmittedRunName.Length > 0 ? SubmittedRunName : "(not submitted)");
        }
        else if (ExitCode != 0 && !Log.HasLoggedErrors)
        {
            Log.LogError(null, DstackToolTask.SetupErrorCode, null, null, 0, 0, 0, 0,
                "dstack run exited with code {0}{1}.", ExitCode, SubmittedRunName.Length > 0 ? $" (run {SubmittedRunName})" : "");
        }

        if (ExitCode == 0 && !Log.HasLoggedErrors && WaitsForService && SubmittedRunName.Length > 0)
        {
            return WaitForService();
        }

        return ExitCode == 0 && !Log.HasLoggedErrors;
    }

    private void LogLine(string line)
    {
        if (SubmittedRunName.Length == 0 && SubmittedPattern().Match(line) is { Success: true } submitted)
        {
            SubmittedRunName = submitted.Groups["name"].Value;
            RememberRunName();
        }

        // Only dstack's own codes are diagnostics: a job's compiler errors are its output, not this build's errors.
        // One without a location (a run that failed, a busy port) is about the configuration being run.
        if (CanonicalDiagnosticLine.TryParse(line, out var diagnostic) && diagnostic.Code.StartsWith("DSTK", StringComparison.Ordinal))
        {
            DstackToolTask.LogDiagnostic(Log, diagnostic.File is null ? diagnostic with { File = _configuration } : diagnostic);
            return;
        }

        Log.LogMessage(MessageImportance.High, "{0}", line);
    }

    private void RememberRunName()
    {
        if (string.IsNullOrEmpty(RunNameFile))
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(RunNameFile))!);
            File.WriteAllText(RunNameFile, SubmittedRunName + Environment.NewLine);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.LogMessage(MessageImportance.Normal, "Could not remember the run name in {0}: {1}", RunNameFile, e.Message);
        }
    }

    private bool TryBuildArguments(string configuration, out List<string> arguments, out Dictionary<string, string> environment)
    {
        var code = Path.GetFullPath(Path.Combine(ProjectDirectory, string.IsNullOrWhiteSpace(CodeDirectory) ? "." : CodeDirectory!));
        arguments = string.IsNullOrWhiteSpace(Workflow)
            ? ["run", code, "-f", configuration, "-y", "--no-color"]
            : ["run", code, "--workflow", Workflow.Trim(), "-y", "--no-color", .. WithDeps ? ["--with-deps"] : Array.Empty<string>()];
        environment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!DryRun)
        {
            arguments.Add("--stop-when-input-closes");
        }

        AddOption(arguments, "--profile", Profile);
        AddOption(arguments, "--gpu", Gpu);
        AddOption(arguments, "-n", RunName);
        foreach (var entry in Env.Where(e => !string.IsNullOrWhiteSpace(e)))
        {
            // A value travels in the CLI's environment, so it never shows in a command line or this log.
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            var name = (equals < 0 ? entry : entry[..equals]).Trim();
            if (equals >= 0)
            {
                environment[name] = entry[(equals + 1)..];
            }

            arguments.Add("-e");
            arguments.Add(name);
        }

        AddEach(arguments, "-p", Ports);
        AddEach(arguments, "-b", Backends);
        AddEach(arguments, "-r", Regions);
        if (_detach)
        {
            arguments.Add("-d");
        }

        if (DryRun)
        {
            arguments.Add("--dry-run");
        }

        if (!CommandLineWords.TrySplit(Options, out var options, out var optionsProblem))
        {
            Log.LogError(null, DstackToolTask.SetupErrorCode, null, null, 0, 0, 0, 0, "DstackRunOptions '{0}': {1}.", Options, optionsProblem);
            return false;
        }

        if (!CommandLineWords.TrySplit(Args, out var runArgs, out var argsProblem))
        {
            Log.LogError(null, DstackToolTask.SetupErrorCode, null, null, 0, 0, 0, 0, "DstackArgs '{0}': {1}.", Args, argsProblem);
            return false;
        }

        arguments.AddRange(options);
        arguments.Add("--");
        arguments.AddRange(runArgs);
        return true;
    }

    private static void AddOption(List<string> arguments, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            arguments.Add(name);
            arguments.Add(value.Trim());
        }
    }

    private static void AddEach(List<string> arguments, string name, IEnumerable<string> values)
    {
        foreach (var value in values.Where(v => !string.IsNullOrWhiteSpace(v)))
        {
            arguments.Add(name);
            arguments.Add(value.Trim());
        }
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsLetterOrDigit(c) || "-_./:=*@+,".Contains(c)) ? argument : "'" + argument.Replace("'", "'\\''") + "'";

    /// <summary>The CLI's line on submitting: <c>NAME submitted; following its logs.</c> or <c>NAME submitted and running in the background: ...</c>.</summary>
    [GeneratedRegex(@"^(?<name>[a-z][a-z0-9-]{0,61}) submitted[;: ]", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex SubmittedPattern();
}
