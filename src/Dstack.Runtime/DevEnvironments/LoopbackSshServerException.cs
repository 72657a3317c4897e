namespace Dstack.Runtime.DevEnvironments;

/// <summary>The dev environment's SSH server on this machine could not be started; the message says why and what to do.</summary>
public sealed class LoopbackSshServerException(string message) : DevEnvironmentServerException(message);
