namespace Dstack.LanguageServer.Server;

/// <summary>Where a session is between <c>initialize</c> and <c>exit</c>.</summary>
public enum LifecycleState
{
    /// <summary>Waiting for <c>initialize</c>: other requests get <c>-32002</c>, notifications are dropped.</summary>
    Uninitialized,

    /// <summary>Handling <c>initialize</c>: nothing else is served until it is answered.</summary>
    Initializing,

    /// <summary>Serving requests and notifications.</summary>
    Running,

    /// <summary>After <c>shutdown</c>: only <c>exit</c> is accepted.</summary>
    ShutDown,
}
