using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Containers;

/// <summary>What <see cref="DockerEngine.Probe(TimeSpan)"/> found out.</summary>
/// <param name="Available">True when a Docker engine answers and the <c>docker</c> command is installed.</param>
/// <param name="CliPath">The <c>docker</c> command's full path; null when it is not on PATH.</param>
/// <param name="Reason">In words, why Docker can or cannot be used, such as
/// <c>no Docker engine answers at /var/run/docker.sock (the socket does not exist)</c>.</param>
public sealed record DockerProbe(bool Available, string? CliPath, string Reason)
{
    /// <summary>Says that <paramref name="image"/> needs Docker, why it is not usable, and the two ways out.</summary>
    public string ErrorMessage(string image) =>
        $"image: \"{image}\" needs a Docker engine to run on the local backend, but {Reason}. " +
        "Install and start Docker, or remove image: (and use python: instead) to run directly on this machine.";

    /// <summary>The <see cref="DiagnosticCodes.DockerUnavailable"/> error with <see cref="ErrorMessage"/>, at <paramref name="span"/> (the <c>image</c> value).</summary>
    public Diagnostic ToDiagnostic(string image, string configurationPath, SourceSpan span) =>
        new(DiagnosticCodes.DockerUnavailable, DiagnosticSeverity.Error, ErrorMessage(image), span, configurationPath);
}
