namespace Dstack.Runtime.Backends.Gcp;

/// <summary>The gcp entry's credentials cannot be had; the message names the file and what to do, never a secret.</summary>
public sealed class GcpCredentialsException(string message) : Exception(message);
