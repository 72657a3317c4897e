namespace Dstack.Runtime.Logs;

/// <summary>Where a piece of a job's log came from: its standard output, its standard error, or the controller itself.</summary>
public enum LogStream : byte
{
    Stdout = 1,
    Stderr = 2,

    /// <summary>A line from dstack about the job (starting, retrying, stopped because of max_duration).</summary>
    Event = 3,
}
