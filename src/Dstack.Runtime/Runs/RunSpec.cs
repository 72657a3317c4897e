using System.Text.Json;
using Dstack.Runtime.Configuration.Model;

namespace Dstack.Runtime.Runs;

/// <summary>
/// Everything the controller needs to run a run, resolved: configuration, profile, command-line options, environment and
/// run arguments already applied. Stored as JSON in the state store <see cref="WithoutSecrets">without secret
/// values</see>; the values reach the controller through its environment.
/// </summary>
public sealed record RunSpec
{
    public required string RunName { get; init; }

    /// <summary>task, service or dev-environment.</summary>
    public required string Type { get; init; }

    public required string ConfigurationPath { get; init; }

    /// <summary>The folder whose code the jobs get (a working copy of it).</summary>
    public required string RepoRoot { get; init; }

    /// <summary>The script of reference §9 (commands joined with &amp;&amp;, run arguments substituted).</summary>
    public required string Script { get; init; }

    /// <summary>The shell program that runs <see cref="Script"/> with <c>-c</c>.</summary>
    public string Shell { get; init; } = "/bin/bash";

    /// <summary>Relative to the working copy (or absolute); null for its root.</summary>
    public string? WorkingDir { get; init; }

    /// <summary>The user's variables, in order. Values are null in the stored spec.</summary>
    public IReadOnlyList<EnvEntry> Env { get; init; } = [];

    /// <summary>Values never to show in logs; empty in the stored spec.</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];

    public IReadOnlyList<PortMapping> Ports { get; init; } = [];

    /// <summary>The jobs, by rank: a task's nodes; a service's most replicas (each replica is a job of its own).</summary>
    public int Nodes { get; init; } = 1;

    /// <summary>A service's endpoint, replicas and scaling (<c>type: service</c>); null for a task or dev environment.</summary>
    public ServiceSpec? Service { get; init; }

    /// <summary>
    /// The offer each job runs on, by rank (the backend, the machine, the GPUs the job gets there): the plan's
    /// placement. The controller provisions an instance for each.
    /// </summary>
    public IReadOnlyList<Offers.Offer> Placements { get; init; } = [];

    /// <summary>Offers of the same backend that also fit, in order, for a retry after a job's machine is lost.</summary>
    public IReadOnlyList<Offers.Offer> Spares { get; init; } = [];

    /// <summary>The backend the jobs run on (the jobs of a run never span backends).</summary>
    public string Backend => (Placements.Count > 0 ? Placements[0] : Backends.BackendRegistry.DefaultPlacement).Backend;

    public string? Python { get; init; }

    public string? Image { get; init; }

    public string? Entrypoint { get; init; }

    public bool Privileged { get; init; }

    public string? User { get; init; }

    /// <summary>Bytes of the container's <c>/dev/shm</c> (<c>resources.shm_size</c>); null for the engine's default.</summary>
    public long? ShmSize { get; init; }

    /// <summary>Instance volumes: folders of the job's host bind-mounted into its container.</summary>
    public IReadOnlyList<BindMount> Mounts { get; init; } = [];

    /// <summary><c>registry_auth</c>'s user name; null without credentials.</summary>
    public string? RegistryUsername { get; init; }

    /// <summary><c>registry_auth</c>'s password; null in the stored spec (it reaches the controller as the env values do).</summary>
    public string? RegistryPassword { get; init; }

    /// <summary>Seconds; null = no limit.</summary>
    public long? MaxDuration { get; init; }

    /// <summary>Seconds of graceful stop before the kill; null = wait for ever.</summary>
    public long? StopDuration { get; init; } = 300;

    public IReadOnlyList<RetryEvent> RetryOn { get; init; } = [];

    public long RetryDuration { get; init; } = 3600;

    public IReadOnlyList<string> Build { get; init; } = [];

    public bool ForceBuild { get; init; }

    /// <summary>Prepare the <see cref="Build"/> environment and stop (<c>dstack build</c>).</summary>
    public bool BuildOnly { get; init; }

    public bool Reload { get; init; }

    public IReadOnlyList<string> RunArgs { get; init; } = [];

    /// <summary>The pipelines workflow this run runs (<c>dstack run NAME</c>); null for a task, service or dev environment.</summary>
    public string? Workflow { get; init; }

    /// <summary>The workflow's <c>artifacts</c> paths, normalized (<see cref="Pipelines.WorkflowPathRule"/>): saved when the run ends, however it ends.</summary>
    public IReadOnlyList<string> Artifacts { get; init; } = [];

    /// <summary>The workflow's <c>cache</c> paths, normalized: restored before the commands start, saved after they end.</summary>
    public IReadOnlyList<string> Cache { get; init; } = [];

    /// <summary>The artifacts of the workflow's <c>deps</c>, resolved when it was planned: put read-only into the working copy.</summary>
    public IReadOnlyList<DepArtifacts> Deps { get; init; } = [];

    /// <summary>A dev environment's IDE (<c>vscode</c>, <c>cursor</c>): the scheme of its link; null for other runs.</summary>
    public string? Ide { get; init; }

    /// <summary>A dev environment's <c>inactivity_duration</c> in seconds: it ends after that long with no SSH session; null when off.</summary>
    public long? InactivityDuration { get; init; }

    public bool Retries(RetryEvent retryEvent) => RetryOn.Contains(retryEvent);

    /// <summary>The spec with every environment value and secret removed: what the state store keeps.</summary>
    public RunSpec WithoutSecrets() => this with
    {
        Env = [.. Env.Select(e => e with { Value = null })],
        Secrets = [],
        RegistryPassword = null,
    };

    public string ToJson() => JsonSerializer.Serialize(this, RunJsonContext.Default.RunSpec);

    public static RunSpec FromJson(string json) => JsonSerializer.Deserialize(json, RunJsonContext.Default.RunSpec) ?? throw new JsonException("the run spec is empty");
}

/// <summary>A folder of the job's host (<paramref name="HostPath"/>) mounted at <paramref name="ContainerPath"/> in its container.</summary>
public sealed record BindMount(string HostPath, string ContainerPath);

/// <summary>
/// The artifacts a dep gives a workflow: those of run <paramref name="RunName"/> (what <paramref name="Dep"/>,
/// <c>workflow NAME</c> or <c>tag TAG</c>, resolved to), by their paths in that run (normalized).
/// </summary>
public sealed record DepArtifacts(string Dep, string RunName, IReadOnlyList<string> Paths);

/// <summary>One environment variable of a job; the value is null where the spec is stored.</summary>
public sealed record EnvEntry(string Name, string? Value);
