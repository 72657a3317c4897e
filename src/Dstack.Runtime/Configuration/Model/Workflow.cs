using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>One workflow of the legacy pipelines format.</summary>
public sealed record Workflow
{
    [Description("The workflow name, used with `dstack run NAME`.")]
    [Required]
    public string Name { get; init; } = string.Empty;

    [Description("How the commands run: bash (with bash and the chosen `python` on the machine) or docker (inside the container of `image`, through the Docker engine).")]
    [DefaultValue("bash")]
    public WorkflowProvider Provider { get; init; } = WorkflowProvider.Bash;

    [Description("The Docker image, for the docker provider.")]
    public string? Image { get; init; }

    [Description("The Python version for the bash provider, such as 3.10.")]
    [PythonVersion]
    public string? Python { get; init; }

    [Description("The commands to run.")]
    public IReadOnlyList<string> Commands { get; init; } = [];

    [Description("Environment variables, as a list of NAME=value or a mapping.")]
    public EnvVariables Env { get; init; } = EnvVariables.Empty;

    [Description("Ports the workflow listens on.")]
    public IReadOnlyList<PortMapping> Ports { get; init; } = [];

    [Description("Folders saved as artifacts when the workflow ends: [{path: ./output}].")]
    public IReadOnlyList<WorkflowPath> Artifacts { get; init; } = [];

    [Description("Folders cached between runs: [{path: ~/.cache/pip}].")]
    public IReadOnlyList<WorkflowPath> Cache { get; init; } = [];

    [Description("Workflows or tags whose artifacts this workflow reads: [{workflow: NAME}] or [{tag: TAG}].")]
    public IReadOnlyList<WorkflowDep> Deps { get; init; } = [];

    [Description("The hardware: gpu {count, name, memory}, memory, shm_size, interruptible.")]
    public WorkflowResources? Resources { get; init; }
}
