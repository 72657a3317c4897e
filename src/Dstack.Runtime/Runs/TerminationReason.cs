namespace Dstack.Runtime.Runs;

/// <summary>Why a run ended, in the words the state store, <c>dstack ps</c> and the JSON output use (dstack's names where it has one).</summary>
public static class TerminationReason
{
    public const string AllJobsDone = "all_jobs_done";
    public const string JobFailed = "container_exited_with_error";
    public const string StoppedByUser = "stopped_by_user";
    public const string AbortedByUser = "aborted_by_user";
    public const string MaxDurationExceeded = "max_duration_exceeded";

    /// <summary>A dev environment had no SSH session for its <c>inactivity_duration</c> (dstack's name).</summary>
    public const string InactivityDurationExceeded = "inactivity_duration_exceeded";
    public const string BuildFailed = "build_failed";
    public const string StartFailed = "start_failed";

    /// <summary>No offer of the run's backend could be had now (dstack's name).</summary>
    public const string NoCapacity = "failed_to_start_due_to_no_capacity";
    /// <summary>The run's controller process ended before the run did (it was killed, the machine rebooted).</summary>
    public const string ControllerLost = "controller_lost";

    /// <summary>What versions before the controller was named so recorded for <see cref="ControllerLost"/>.</summary>
    public const string RunnerLost = "runner_lost";

    /// <summary>An SSH host stopped answering (dstack: instance_unreachable).</summary>
    public const string HostLost = "instance_unreachable";

    /// <summary>The cloud took the instance back while its job ran: a spot interruption (dstack's name).</summary>
    public const string Interrupted = "interrupted_by_no_capacity";

    /// <summary>The reason in words, for tables and messages.</summary>
    public static string Describe(string? reason, int? exitCode) => reason switch
    {
        AllJobsDone => "finished",
        JobFailed => exitCode is { } code ? $"exited with code {code}" : "a job failed",
        StoppedByUser => "stopped",
        AbortedByUser => "aborted",
        MaxDurationExceeded => "stopped: max_duration reached",
        InactivityDurationExceeded => "stopped: no SSH session for inactivity_duration",
        BuildFailed => exitCode is { } code ? $"build failed with code {code}" : "build failed",
        StartFailed => "could not start",
        NoCapacity => "no capacity",
        ControllerLost or RunnerLost => "the run's controller process ended unexpectedly",
        HostLost => "an SSH host was lost",
        Interrupted => "the spot instance was taken back (interrupted)",
        null => string.Empty,
        _ => reason,
    };

    /// <summary>
    /// The reason in words when it says more than the status shown beside it: <c>exited with code 3</c> next to
    /// <c>failed</c>, but empty next to <c>aborted</c> (never <c>aborted (aborted)</c>).
    /// </summary>
    public static string DescribeBeside(string status, string? reason, int? exitCode) =>
        Describe(reason, exitCode) is var how && how != status ? how : string.Empty;
}
