namespace Dstack.Runtime.Configuration.Model;

/// <summary>A port of the job made reachable on the user's machine. A null local port means any free port.</summary>
public sealed record PortMapping(int? LocalPort, int ContainerPort)
{
    /// <summary>The way dstack writes it: <c>8080</c>, <c>80:8080</c>, <c>*:8080</c>.</summary>
    public override string ToString() => LocalPort switch
    {
        null => $"*:{ContainerPort}",
        { } l when l == ContainerPort => $"{ContainerPort}",
        { } l => $"{l}:{ContainerPort}",
    };
}
