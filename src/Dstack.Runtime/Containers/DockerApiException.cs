namespace Dstack.Runtime.Containers;

/// <summary>The Docker engine refused a request: its HTTP status and its own message.</summary>
public class DockerApiException(int status, string message, string? request = null) : Exception(message)
{
    /// <summary>The HTTP status (404: no such container or image; 409: a name in use; 0: not an HTTP refusal).</summary>
    public int Status { get; } = status;

    /// <summary>The request, such as <c>POST /containers/create</c>; null when unknown.</summary>
    public string? Request { get; } = request;
}
