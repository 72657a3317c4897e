namespace Dstack.Runtime.State;

/// <summary>One job of a run (one per node) in one attempt; a retried run starts its jobs again with the next attempt number.</summary>
public sealed record JobRecord(
    long RunId,
    int JobNum,
    int Attempt,
    RunStatus Status,
    int? Pid,
    int? ExitCode,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt);
