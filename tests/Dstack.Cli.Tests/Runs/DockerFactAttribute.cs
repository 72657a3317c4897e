using Dstack.Runtime.Containers;
using Dstack.Runtime.Processes;
using Dstack.Runtime.Runs.Environment;

namespace Dstack.Cli.Tests.Runs;

/// <summary>
/// A fact that needs a real Docker engine and the local busybox image (<c>/work/shared/recipes/container-engine/
/// setup-engine.sh</c> makes both): skipped, with the reason shown, only where either is missing.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class DockerFactAttribute : FactAttribute
{
    public const string Image = "localhost/busybox:1.35";

    /// <summary>Asked once per test run: the engine and the image do not come and go while the tests run.</summary>
    private static readonly Lazy<string?> Reason = new(UnavailableReason);

    public DockerFactAttribute()
    {
        Skip = Reason.Value;
    }

    /// <summary>Whether the engine and the image are there (clean-ups that call docker check it first).</summary>
    public static bool Available => Reason.Value is null;

    private static string? UnavailableReason()
    {
        var probe = DockerEngine.Probe(TimeSpan.FromSeconds(3));
        if (!probe.Available)
        {
            return $"no Docker engine: {probe.Reason}";
        }

        return ProgramOutput.TryRun("docker", ["image", "inspect", Image], TimeSpan.FromSeconds(10)) is null
            ? $"the image {Image} is missing (BUILD_PYTHON=0 setup-engine.sh imports it)"
            : null;
    }
}
