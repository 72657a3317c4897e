namespace Dstack.Runtime.State;

/// <summary>
/// One job of a run (one per node) in one attempt; a retried run starts its jobs again with the next attempt number.
/// <see cref="InstanceId"/> names the machine it runs on (the instances table), so a job whose controller died is found
/// again on its machine, wherever that is.
/// </summary>
public sealed record JobRecord(
    long RunId,
    int JobNum,
    int Attempt,
    RunStatus Status,
    int? Pid,
    int? ExitCode,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    long? InstanceId = null);
