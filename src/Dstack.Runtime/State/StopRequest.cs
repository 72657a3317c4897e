namespace Dstack.Runtime.State;

/// <summary>What someone asked of an active run: nothing, a graceful stop, or an abort (kill at once).</summary>
public enum StopRequest
{
    None,
    Stop,
    Abort,
}
