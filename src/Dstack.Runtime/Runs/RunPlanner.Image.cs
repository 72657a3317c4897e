using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Yaml;

namespace Dstack.Runtime.Runs;

/// <summary>The image a run runs in (its own, or the default image), and the volumes that need one.</summary>
public static partial class RunPlanner
{
    /// <summary>
    /// The configuration's <c>image</c>, else the default image (<see cref="DefaultImage"/>) when one is set; null to
    /// run on the machine itself. <c>python:</c> with the default image is a warning: the image's own Python runs the job.
    /// </summary>
    private static (string? Image, DefaultImage? Default) ImageOf(RunConfiguration configuration, RunRequest request, ConfigurationDocument document, string display, List<Diagnostic> diagnostics)
    {
        if (configuration.Image is { } own)
        {
            return (own, null);
        }

        if (DefaultImage.Read(request.Home, request.Environment, diagnostics) is not { } fallback)
        {
            return (null, null);
        }

        if (configuration.Python is { } python)
        {
            diagnostics.Add(new Diagnostic(
                DiagnosticCodes.ImageAndPython,
                DiagnosticSeverity.Warning,
                $"python: {python} is not looked for inside the default image {fallback.Image} (from {fallback.Source}): the job runs with the Python the image has; set `image:` to an image with Python {python}, or remove `python:`",
                document.SourceMap?.KeySpan(configuration, "python") ?? SourceSpan.FileStart,
                display));
        }

        return (fallback.Image, fallback);
    }

    /// <summary>
    /// The bind mounts of the jobs' containers: the instance volumes. Without a container an <c>optional</c> one is
    /// skipped with a warning (dstack: "allow running without this volume"); the backends refuse the rest
    /// (<see cref="Offers.Requirements.InstanceVolumes"/>, <see cref="Offers.Requirements.NetworkVolumes"/>), so the
    /// editor's offers lens says the same.
    /// </summary>
    private static IReadOnlyList<BindMount> MountsOf(RunConfiguration configuration, string? image, ConfigurationDocument document, string display, List<Diagnostic> diagnostics)
    {
        // Each volume at its item of the list (the items bound one to one: a malformed one stops the plan earlier).
        var items = document.SourceMap?.EntryOf(configuration, "volumes")?.Value as YamlSequence;
        var mounts = new List<BindMount>();
        for (var i = 0; i < configuration.Volumes.Count; i++)
        {
            var volume = configuration.Volumes[i];
            var span = items is { } list && i < list.Items.Count ? list.Items[i].Span : document.SourceMap?.KeySpan(configuration, "volumes") ?? SourceSpan.FileStart;
            switch (volume)
            {
                case InstanceVolumeMount { Optional: true } when image is null:
                    diagnostics.Add(new Diagnostic(
                        DiagnosticCodes.InvalidVolume,
                        DiagnosticSeverity.Warning,
                        $"volumes: {((InstanceVolumeMount)volume).InstancePath} is not mounted: instance volumes are bind mounts into the job's container, and without `image:` (or a default image) the commands run on the machine itself; it is optional, so the run goes on without it",
                        span,
                        display));
                    break;
                case InstanceVolumeMount instance:
                    mounts.Add(new BindMount(instance.InstancePath, instance.Path));
                    break;
            }
        }

        return mounts;
    }
}
