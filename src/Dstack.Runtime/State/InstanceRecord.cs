namespace Dstack.Runtime.State;

/// <summary>
/// An instance as the state store keeps it: recorded (status <see cref="InstanceStatus.Provisioning"/>) before the
/// backend is asked to create it, so that a controller that dies at any point leaves a record the next dstack command
/// reconciles: an instance whose run has ended is terminated.
/// </summary>
/// <param name="Id">The store's id (what <c>dstack instance terminate ID</c> takes).</param>
/// <param name="RunId">The run it was provisioned for.</param>
/// <param name="RunName">The run's name.</param>
/// <param name="JobNum">The job (rank) it runs.</param>
/// <param name="Backend">The backend's name.</param>
/// <param name="Region">The region.</param>
/// <param name="InstanceType">The instance type (or a pool host's name).</param>
/// <param name="InstanceId">The backend's id; null until the backend has answered.</param>
/// <param name="Address">How the run's jobs reach it; null until known.</param>
/// <param name="PricePerHour">Dollars per hour.</param>
/// <param name="Status">Where it is in its life.</param>
/// <param name="Token">The provisioning's idempotency token.</param>
/// <param name="Offer">The offer it was made from, as JSON (the backend's own details included).</param>
/// <param name="CreatedAt">When it was recorded.</param>
/// <param name="TerminatedAt">When it was terminated (or found gone).</param>
public sealed record InstanceRecord(
    long Id,
    long RunId,
    string RunName,
    int JobNum,
    string Backend,
    string Region,
    string InstanceType,
    string? InstanceId,
    string? Address,
    decimal PricePerHour,
    InstanceStatus Status,
    string Token,
    string Offer,
    DateTimeOffset CreatedAt,
    DateTimeOffset? TerminatedAt)
{
    /// <summary>True while it may exist and cost money: not yet terminated nor known to be gone.</summary>
    public bool IsActive => Status is InstanceStatus.Provisioning or InstanceStatus.Running or InstanceStatus.Terminating;
}

/// <summary>An instance's life: provisioning, running (its jobs may run), terminating, then terminated (or failed: never created).</summary>
public enum InstanceStatus
{
    Provisioning,
    Running,
    Terminating,
    Terminated,
    Failed,
}
