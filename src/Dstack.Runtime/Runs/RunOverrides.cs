namespace Dstack.Runtime.Runs;

/// <summary>The command-line options of <c>dstack run</c> / <c>dstack apply</c> that change the run (reference §11), as typed.</summary>
public sealed record RunOverrides
{
    public string? Name { get; init; }

    /// <summary><c>-e KEY=VALUE</c> or <c>-e KEY</c> (take it from the environment), in order.</summary>
    public IReadOnlyList<string> Env { get; init; } = [];

    /// <summary><c>-p MAPPING</c>, merged with the configuration's ports by container port.</summary>
    public IReadOnlyList<string> Ports { get; init; } = [];

    /// <summary><c>--host</c>: the address forwarded ports listen on. Default 127.0.0.1.</summary>
    public string? Host { get; init; }

    /// <summary><c>--gpu SPEC</c>: replaces the configuration's whole gpu spec.</summary>
    public string? Gpu { get; init; }

    public string? Disk { get; init; }

    public IReadOnlyList<string> Backends { get; init; } = [];

    public IReadOnlyList<string> Regions { get; init; } = [];

    public IReadOnlyList<string> InstanceTypes { get; init; } = [];

    /// <summary>spot, on-demand or auto (from --spot, --on-demand, --spot-auto or --spot-policy).</summary>
    public string? SpotPolicy { get; init; }

    public double? MaxPrice { get; init; }

    public string? MaxDuration { get; init; }

    /// <summary>true for --retry, false for --no-retry.</summary>
    public bool? Retry { get; init; }

    public string? RetryDuration { get; init; }

    public string? Profile { get; init; }

    /// <summary>Leftover arguments: <c>${{ run.args }}</c>.</summary>
    public IReadOnlyList<string> RunArgs { get; init; } = [];

    /// <summary><c>--force-build</c>: rebuild the <c>build</c> environment even when it is cached.</summary>
    public bool ForceBuild { get; init; }

    /// <summary><c>dstack build</c>: prepare the environment and stop.</summary>
    public bool BuildOnly { get; init; }

    public bool Reload { get; init; }
}
