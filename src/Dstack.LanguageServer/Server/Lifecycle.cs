using Dstack.LanguageServer.Protocol;

namespace Dstack.LanguageServer.Server;

/// <summary>
/// The LSP lifecycle rules: <c>initialize</c> first and once, then anything, then <c>shutdown</c>, after which
/// only <c>exit</c>. The exit code is 0 when <c>shutdown</c> came before the end, 1 otherwise.
/// </summary>
public sealed class Lifecycle
{
    private readonly Lock _gate = new();
    private LifecycleState _state = LifecycleState.Uninitialized;
    private volatile bool _exitRequested;

    public LifecycleState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>True once <c>exit</c> has been received: the session stops reading.</summary>
    public bool ExitRequested => _exitRequested;

    /// <summary>0 when the client shut the server down before leaving, 1 otherwise (as LSP specifies for <c>exit</c>).</summary>
    public int ExitCode => State == LifecycleState.ShutDown ? 0 : 1;

    /// <summary>
    /// Null when the request may be handled now, or the error to answer. Admitting <c>initialize</c> or
    /// <c>shutdown</c> moves the state, so that what follows is judged against it.
    /// </summary>
    public ResponseError? AdmitRequest(string method)
    {
        lock (_gate)
        {
            switch (_state)
            {
                case LifecycleState.Uninitialized when method == Methods.Initialize:
                    _state = LifecycleState.Initializing;
                    return null;
                case LifecycleState.Uninitialized or LifecycleState.Initializing when method != Methods.Initialize:
                    return new ResponseError(ErrorCodes.ServerNotInitialized, $"the server is not initialized: send 'initialize' before '{method}'");
                case LifecycleState.Initializing or LifecycleState.Running when method == Methods.Initialize:
                    return new ResponseError(ErrorCodes.InvalidRequest, "the server is already initialized: 'initialize' may be sent only once");
                case LifecycleState.Running when method == Methods.Shutdown:
                    _state = LifecycleState.ShutDown;
                    return null;
                case LifecycleState.Running:
                    return null;
                default:
                    return new ResponseError(ErrorCodes.InvalidRequest, $"the server is shut down: after 'shutdown' only the 'exit' notification is accepted, not '{method}'");
            }
        }
    }

    /// <summary>True when the notification may be handled now; others are dropped, as LSP asks (exit always passes).</summary>
    public bool AdmitNotification(string method) => method == Methods.Exit || State == LifecycleState.Running;

    /// <summary>Records how <c>initialize</c> ended: served from now on, or still waiting for a good <c>initialize</c>.</summary>
    public void CompleteInitialize(bool succeeded)
    {
        lock (_gate)
        {
            if (_state == LifecycleState.Initializing)
            {
                _state = succeeded ? LifecycleState.Running : LifecycleState.Uninitialized;
            }
        }
    }

    /// <summary>Called by the <c>exit</c> handler.</summary>
    public void RequestExit() => _exitRequested = true;
}
