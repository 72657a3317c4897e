using Dstack.Cli.Tests.Runs;

namespace Dstack.Cli.Tests.Containers;

/// <summary>
/// A fact that needs what <see cref="DockerFactAttribute"/> needs, and Debian's reference registry
/// (<c>docker-registry</c>) with <c>htpasswd</c> (<c>apache2-utils</c>) for <see cref="LoopbackRegistry"/>: skipped,
/// with the reason shown, only where one of them is missing.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RegistryFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Reason = new(Unavailable);

    public RegistryFactAttribute()
    {
        Skip = Reason.Value;
    }

    /// <summary>Why no loopback registry can run here; null when one can.</summary>
    public static string? UnavailableReason => Reason.Value;

    private static string? Unavailable()
    {
        if (new DockerFactAttribute().Skip is { } docker)
        {
            return docker;
        }

        foreach (var (program, package) in new[] { ("docker-registry", "docker-registry"), ("htpasswd", "apache2-utils") })
        {
            if (LoopbackRegistry.FindProgram(program) is null)
            {
                return $"{program} is not installed (apt-get install -y {package}; scripts/test.sh installs it when run as root)";
            }
        }

        return null;
    }
}
