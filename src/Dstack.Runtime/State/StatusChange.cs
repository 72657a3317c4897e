namespace Dstack.Runtime.State;

/// <summary>One entry of a run's status history: the run's (JobNum null) or a job's status, when, and why.</summary>
public sealed record StatusChange(long RunId, int? JobNum, RunStatus Status, DateTimeOffset At, string? Reason);
