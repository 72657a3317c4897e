using System.ComponentModel;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>A dev environment: a machine prepared for an IDE to attach to.</summary>
[ConfigurationType("dev-environment")]
public sealed record DevEnvironmentConfiguration : RunConfiguration
{
    public override string Type => "dev-environment";

    [Description("The IDE to prepare: vscode.")]
    [System.ComponentModel.DataAnnotations.Required]
    [Example("ide: vscode")]
    public IdeKind? Ide { get; init; }

    [Description("The VS Code commit to install the server for. Default: the local `code --version`.")]
    public string? Version { get; init; }

    [Description("Commands run once when the environment starts.")]
    public IReadOnlyList<string> Init { get; init; } = [];

    [Description("Stop the environment after this long with no SSH connection: 2h, off, or false. Default: off.")]
    [DurationForms(allowOff: true, allowBool: true)]
    public Duration? InactivityDuration { get; init; }

    [Description("Ports to forward to your machine, as for a task.")]
    public IReadOnlyList<PortMapping> Ports { get; init; } = [];
}
