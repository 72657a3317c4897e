namespace Dstack.Runtime.DevEnvironments;

/// <summary>A dev environment's SSH server could not be started; the message says what is missing and what to do.</summary>
public class DevEnvironmentServerException(string message) : Exception(message);
