using System.ComponentModel;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>A dev environment: a machine prepared for an IDE to attach to.</summary>
[ConfigurationType("dev-environment")]
public sealed record DevEnvironmentConfiguration : RunConfiguration
{
    public override string Type => "dev-environment";

    [Description("The IDE whose link is printed once the environment is ready: vscode (vscode://...) or cursor (cursor://...). Its Remote-SSH extension connects with `ssh RUN`.")]
    [System.ComponentModel.DataAnnotations.Required]
    [Example("ide: vscode")]
    public IdeKind? Ide { get; init; }

    [Description("The VS Code commit to install the server for. Accepted; no IDE server is pre-installed here: Remote-SSH installs its own on first connect.")]
    public string? Version { get; init; }

    [Description("Commands run once when the environment starts.")]
    public IReadOnlyList<string> Init { get; init; } = [];

    [Description("End the environment after this long with no SSH session attached (the clock starts when it is ready and again when the last session closes): 30m, 2h, off, or false. Default: off.")]
    [DurationForms(allowOff: true, allowBool: true)]
    public Duration? InactivityDuration { get; init; }

    [Description("Ports to forward to your machine, as for a task.")]
    public IReadOnlyList<PortMapping> Ports { get; init; } = [];
}
