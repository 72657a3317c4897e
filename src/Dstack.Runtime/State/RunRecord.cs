namespace Dstack.Runtime.State;

/// <summary>
/// A run as the state store keeps it. <see cref="Spec"/> is the resolved run spec as JSON, without secret values
/// (environment values reach the controller through its standard input, never through the store).
/// </summary>
public sealed record RunRecord(
    long Id,
    string Name,
    RunStatus Status,
    string ConfigurationPath,
    string RepoRoot,
    string Spec,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? FinishedAt,
    int? ExitCode,
    string? Reason,
    int? ControllerPid,
    StopRequest StopRequest,
    int Attempt);
