using System.ComponentModel;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>A task: commands that run to completion (training, batch jobs, web apps), on one or several nodes.</summary>
[ConfigurationType("task")]
public sealed record TaskConfiguration : RunConfiguration
{
    public override string Type => "task";

    [Description("The shell commands to run, one after another, under bash. Either `commands` or `image` is required.")]
    [Example("commands:\n  - pip install -r requirements.txt\n  - python train.py")]
    public IReadOnlyList<string> Commands { get; init; } = [];

    [Description("Ports to forward to your machine: 8080, \"80:8080\" (local:container), \"*:8080\" (any free local port), or {local_port, container_port}.")]
    [Example("ports:\n  - 8080\n  - \"3000:80\"")]
    public IReadOnlyList<PortMapping> Ports { get; init; } = [];

    [Description("The number of nodes for a distributed task; each runs the commands with its own DSTACK_NODE_RANK.")]
    [DefaultValue(1)]
    [Example("nodes: 2")]
    public int Nodes { get; init; } = 1;

    [Description("Commands that prepare the environment once (dstack 0.11 `build`); the prepared environment is reused until they change.")]
    [Example("build:\n  - pip install -r requirements.txt")]
    public IReadOnlyList<string> Build { get; init; } = [];
}
