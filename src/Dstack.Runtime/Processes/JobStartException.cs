namespace Dstack.Runtime.Processes;

/// <summary>A job's process could not be started; the message says why in words.</summary>
public class JobStartException(string message, Exception? inner = null) : Exception(message, inner);
