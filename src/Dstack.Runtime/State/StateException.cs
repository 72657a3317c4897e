namespace Dstack.Runtime.State;

/// <summary>The state store cannot be opened or written: the message names the file and what to do.</summary>
public sealed class StateException(string message, Exception? inner = null) : Exception(message, inner);
