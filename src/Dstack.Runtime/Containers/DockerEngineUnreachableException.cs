namespace Dstack.Runtime.Containers;

/// <summary>No Docker engine answered (the socket is missing, refused, or the link to its host dropped).</summary>
public sealed class DockerEngineUnreachableException(string message, Exception? inner = null) : DockerApiException(0, message)
{
    public Exception? Cause { get; } = inner;
}
