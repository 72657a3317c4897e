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

    /// <summary>True when the configuration mounts volumes.</summary>
    public bool Volumes { get; init; }

    /// <summary>True with <c>--reload</c>: edits in the folder reach the running job.</summary>
    public bool Reload { get; init; }

    /// <summary>A service's least number of replicas (1 for tasks and dev environments).</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>The requirements of a configuration whose profile (and command-line options) are already merged in.</summary>
    public static Requirements Of(RunConfiguration configuration, ProfileParameters profile, ResourcesSpec resources, bool reload = false) => new()
    {
        Resources = resources,
        SpotPolicy = profile.SpotPolicy,
        MaxPrice = profile.MaxPrice,
        Backends = profile.Backends,
        Regions = profile.Regions,
        InstanceTypes = profile.InstanceTypes,
        Nodes = configuration is TaskConfiguration task ? task.Nodes : 1,
        Image = configuration.Image,
        Python = configuration.Image is null ? configuration.Python : null,
        Build = configuration is TaskConfiguration { Build.Count: > 0 },
        Volumes = configuration.Volumes.Count > 0,
        Reload = reload,
        Replicas = configuration is ServiceConfiguration service && service.Replicas.Min is int min && min > 1 ? min : 1,
    };

    /// <summary>True when the backends filter admits a backend of this type (no filter admits every one).</summary>
    public bool Admits(params BackendType[] types) => Backends is not { } wanted || types.Any(wanted.Contains);
}
