using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Offers;

/// <summary>
/// What a run asks of the machines it runs on, resolved from the configuration, the profile and the command line:
/// the resources, the offer filters (spot policy, max price, backends, regions, instance types), the number of nodes,
/// and what the job needs of a machine beyond its size (a container engine for <c>image</c>, a Python, a kept build
/// environment, volumes). Every backend reads the same record, so <c>dstack run</c>, <c>dstack offer</c> and the
/// editor ask for the same thing.
/// </summary>
public sealed record Requirements
{
    public ResourcesSpec Resources { get; init; } = new();

    public SpotPolicy? SpotPolicy { get; init; }

    /// <summary>Dollars per hour; null for no limit.</summary>
    public double? MaxPrice { get; init; }

    /// <summary>The backends the run may use; null for every configured one.</summary>
    public IReadOnlyList<BackendType>? Backends { get; init; }

    public IReadOnlyList<string>? Regions { get; init; }

    public IReadOnlyList<string>? InstanceTypes { get; init; }

    public int Nodes { get; init; } = 1;

    /// <summary>The container image the job runs in; null to run the commands on the machine itself.</summary>
    public string? Image { get; init; }

    /// <summary>The Python version the job asks for (without <c>image</c>).</summary>
    public string? Python { get; init; }

    /// <summary>True when the task has <c>build</c> commands, whose environment is kept between runs.</summary>
    public bool Build { get; init; }

    /// <summary>True when the configuration mounts network volumes (cloud disks by name).</summary>
    public bool NetworkVolumes { get; init; }

    /// <summary>
    /// True when the configuration mounts instance volumes (folders of the host, bind-mounted into the job's container)
    /// that are not <c>optional</c>: they need a container, so <see cref="Image"/> must be set.
    /// </summary>
    public bool InstanceVolumes { get; init; }

    /// <summary>True with <c>--reload</c>: edits in the folder reach the running job.</summary>
    public bool Reload { get; init; }

    /// <summary>True for a service: its jobs are replicas (messages say <c>replicas</c>, not <c>nodes</c>).</summary>
    public bool Service { get; init; }

    /// <summary>A service's least number of replicas (1 for tasks and dev environments).</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>
    /// The requirements of a configuration whose profile (and command-line options) are already merged in;
    /// <paramref name="image"/> is the image it runs in when that is not its own (the default image).
    /// </summary>
    public static Requirements Of(RunConfiguration configuration, ProfileParameters profile, ResourcesSpec resources, bool reload = false, string? image = null) => new()
    {
        Resources = resources,
        SpotPolicy = profile.SpotPolicy,
        MaxPrice = profile.MaxPrice,
        Backends = profile.Backends,
        Regions = profile.Regions,
        InstanceTypes = profile.InstanceTypes,
        Nodes = JobsOf(configuration),
        Image = configuration.Image ?? image,
        Python = (configuration.Image ?? image) is null ? configuration.Python : null,
        Build = configuration is TaskConfiguration { Build.Count: > 0 },
        NetworkVolumes = configuration.Volumes.OfType<NetworkVolumeMount>().Any(),
        InstanceVolumes = configuration.Volumes.OfType<InstanceVolumeMount>().Any(v => !v.Optional),
        Reload = reload,
        Replicas = configuration is ServiceConfiguration service && service.Replicas.Min is int min && min > 1 ? min : 1,
        Service = configuration is ServiceConfiguration,
    };

    /// <summary>The jobs a configuration runs: a task's nodes, a service's most replicas (each its own job), else 1.</summary>
    public static int JobsOf(RunConfiguration configuration) => configuration switch
    {
        TaskConfiguration task => task.Nodes,
        ServiceConfiguration service => Math.Max(1, service.Replicas.Max ?? service.Replicas.Min ?? 1),
        _ => 1,
    };

    /// <summary>
    /// Why a machine that runs containers cannot mount the volumes (network volumes: no backend provides them yet;
    /// instance volumes without an image: the commands run on the machine itself), in a few words and in full; none
    /// when it can. <paramref name="machine"/> names the machine: <c>this machine</c>, <c>the SSH host</c>.
    /// </summary>
    public IEnumerable<(string Short, string Full)> VolumeProblems(string machine)
    {
        if (NetworkVolumes)
        {
            yield return ("volumes: network volumes need a cloud backend that supports them",
                "volumes: network volumes need a cloud backend that supports them, and none here does yet; mount a folder of the host instead (`/data/on/the/host:/data` with `image:`), or remove the network volume");
        }

        if (InstanceVolumes && Image is null)
        {
            yield return ($"volumes: instance volumes need image: ({machine} runs the commands itself)",
                $"volumes: instance volumes are bind mounts into the job's container, and without `image:` (or `default_image:` in config.yml) {machine} runs the commands itself; set `image:`, add `optional: true` to the volume to run without it, or read the folder directly");
        }
    }

    /// <summary>True when the backends filter admits a backend of this type (no filter admits every one).</summary>
    public bool Admits(params BackendType[] types) => Backends is not { } wanted || types.Any(wanted.Contains);
}
