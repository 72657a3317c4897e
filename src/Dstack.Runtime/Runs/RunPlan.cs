using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Runs;

/// <summary>
/// The outcome of planning: the resolved spec and the offer when the run can go ahead, and every problem found
/// (configuration, options, environment, machine) so a front end can show them all at once.
/// </summary>
public sealed record RunPlan
{
    public ConfigurationDocument? Document { get; init; }

    /// <summary>The configuration file as the user named it.</summary>
    public string ConfigurationDisplay { get; init; } = string.Empty;

    public RunSpec? Spec { get; init; }

    /// <summary>Every configured backend's offers for the run (what the plan table lists); null before the configuration is read.</summary>
    public Offers.OfferSearch? Offers { get; init; }

    /// <summary>Where the jobs go: the backend and the offer of each job; null when no backend can take them.</summary>
    public Offers.Placement? Placement { get; init; }

    public string? ProfileName { get; init; }

    /// <summary>The default image the run uses (the configuration has no <c>image:</c>); null when it has its own, or none.</summary>
    public DefaultImage? DefaultImage { get; init; }

    /// <summary>The run's ports after -p: what is reserved and forwarded while attached.</summary>
    public IReadOnlyList<PortMapping> Ports { get; init; } = [];

    /// <summary>The address forwarded ports listen on.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The requested name (configuration <c>name</c> or <c>-n</c>); null for a generated one.</summary>
    public string? RequestedName { get; init; }

    /// <summary>The pipelines workflow the run runs; null for a task, service or dev environment.</summary>
    public string? Workflow { get; init; }

    /// <summary>The user the run is submitted as (the OS user; dstack shows its server user).</summary>
    public string User { get; init; } = System.Environment.UserName;

    /// <summary>The project: the code folder's name (dstack shows its server project).</summary>
    public string Project { get; init; } = string.Empty;

    public IReadOnlyList<Diagnostic> Diagnostics { get; init; } = [];

    /// <summary>True when the only obstacle is capacity other runs hold (a retry on no-capacity may wait for it).</summary>
    public bool OnlyLacksCapacity => Diagnostics.Any(d => d.Code == DiagnosticCodes.NoCapacity) && Diagnostics.Where(d => d.IsError).All(d => d.Code == DiagnosticCodes.NoCapacity);

    public bool CanRun => Spec is not null && Placement is not null && !Diagnostics.Any(d => d.IsError);
}
