using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Dstack.Tasks;

/// <summary>
/// Stops a run with <c>dstack stop NAME -y</c>: gracefully within the run's stop_duration, or at once with
/// <see cref="Abort"/>. The run is <see cref="RunName"/>, else the last one DstackRun submitted from this project.
/// </summary>
public sealed class DstackStop : DstackToolTask
{
    private string _name = "";

    /// <summary><c>DstackRunName</c>: the run to stop.</summary>
    public string? RunName { get; set; }

    /// <summary>The file DstackRun writes the submitted run's name to; read when <see cref="RunName"/> is empty.</summary>
    public string? RunNameFile { get; set; }

    /// <summary><c>DstackStopAbort</c>: kill the run's processes at once (<c>-x</c>).</summary>
    public bool Abort { get; set; }

    /// <summary>The run that was stopped.</summary>
    [Output]
    public string StoppedRunName => _name;

    public override bool Execute()
    {
        _name = (string.IsNullOrWhiteSpace(RunName) ? ReadRememberedName() : RunName!).Trim();
        if (_name.Length == 0)
        {
            Log.LogError(null, NoRunToStopErrorCode, null, null, 0, 0, 0, 0,
                "DstackStop does not know which run to stop: set DstackRunName (-p:DstackRunName=NAME; dstack ps lists the runs), or start one with the DstackRun target first.");
            return false;
        }

        return base.Execute() && !Log.HasLoggedErrors;
    }

    protected override MessageImportance StandardOutputLoggingImportance => MessageImportance.High;

    protected override MessageImportance StandardErrorLoggingImportance => MessageImportance.High;

    protected override void AppendArguments(CommandLineBuilder builder)
    {
        builder.AppendSwitch("stop");
        builder.AppendFileNameIfNotNull(_name);
        builder.AppendSwitch("-y");
        if (Abort)
        {
            builder.AppendSwitch("-x");
        }
    }

    private string ReadRememberedName()
    {
        if (string.IsNullOrEmpty(RunNameFile) || !File.Exists(RunNameFile))
        {
            return "";
        }

        try
        {
            return File.ReadLines(RunNameFile).FirstOrDefault() ?? "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.LogWarning(null, null, null, RunNameFile, 0, 0, 0, 0, "Could not read the last run's name: {0}", e.Message);
            return "";
        }
    }
}
