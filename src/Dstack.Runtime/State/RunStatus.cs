namespace Dstack.Runtime.State;

/// <summary>The life of a run or job, as dstack names it. The last four are final.</summary>
public enum RunStatus
{
    Submitted,
    Provisioning,
    Running,
    Terminating,
    Terminated,
    Aborted,
    Failed,
    Done,
}
