namespace Dstack.Runtime.Processes;

/// <summary>How a helper program ended: its exit code and everything it printed, or that it did not end in time.</summary>
/// <param name="ExitCode">The exit code; -1 when it timed out or could not be started.</param>
/// <param name="Output">What it wrote to stdout.</param>
/// <param name="Error">What it wrote to stderr.</param>
/// <param name="TimedOut">True when it was killed for running past the timeout.</param>
/// <param name="NotStarted">The reason it could not be started (the program is missing), or null.</param>
public sealed record ProgramRun(int ExitCode, string Output, string Error, bool TimedOut, string? NotStarted = null);
