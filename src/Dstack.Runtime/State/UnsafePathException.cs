namespace Dstack.Runtime.State;

/// <summary>
/// A path built from a name would leave the folder it belongs in (<c>..</c>, an absolute path, a separator, a link that
/// points elsewhere); nothing was created or deleted. An <see cref="IOException"/>, so best-effort clean-up skips it.
/// </summary>
public sealed class UnsafePathException(string message) : IOException(message);
