using System.ComponentModel;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>What every run configuration (<c>task</c>, <c>dev-environment</c>, <c>service</c>) has.</summary>
public abstract record RunConfiguration : ProfileParameters
{
    [Description("The configuration type: task, dev-environment or service.")]
    [System.ComponentModel.DataAnnotations.Required]
    public abstract string Type { get; }

    [Description("The run name: lower-case letters, digits and '-', starting with a letter, 2 to 41 characters. Default: a random adjective-animal-N name.")]
    [Example("name: train-llama")]
    public string? Name { get; init; }

    [Description("The Docker image to run in. Default: dstack's base image with the chosen Python and CUDA. Cannot be combined with `python`.")]
    [Example("image: nvcr.io/nvidia/pytorch:24.05-py3")]
    public string? Image { get; init; }

    [Description("The user to run as, user[:group], by name or id. Default: the image's user.")]
    public string? User { get; init; }

    [Description("Run the container in privileged mode.")]
    [DefaultValue(false)]
    public bool Privileged { get; init; }

    [Description("The entrypoint; when set, the commands are passed to it as arguments.")]
    public string? Entrypoint { get; init; }

    [Description("The working directory: relative to the repository root (dstack 0.18), or absolute (dstack 0.19). Default: the repository root.")]
    public string? WorkingDir { get; init; }

    [Description("The shell that runs the commands: sh, bash, or an absolute path such as /usr/bin/zsh (dstack 0.19). Default: bash without `image`, sh with one.")]
    [Example("shell: bash")]
    public string? Shell { get; init; }

    [Description("Has no effect since dstack 0.18.31.")]
    [Deprecated("it has no effect, the home directory is /root: remove it")]
    public string? HomeDir { get; init; }

    [Description("Credentials for a private registry: {username, password}.")]
    [Example("registry_auth:\n  username: ${{ env.NGC_USER }}\n  password: ${{ env.NGC_API_KEY }}")]
    public RegistryAuth? RegistryAuth { get; init; }

    [Description("The Python version of the base image: 3.9, 3.10, 3.11, 3.12 or 3.13. Cannot be combined with `image`.")]
    [PythonVersion]
    [Example("python: \"3.11\"")]
    public string? Python { get; init; }

    [Description("Use the base image variant with the CUDA compiler (nvcc).")]
    public bool? Nvcc { get; init; }

    [Description("Clone only the current branch of the repository. Default: true for tasks and services.")]
    public bool? SingleBranch { get; init; }

    [Description("Environment variables: a list (- NAME=value, or - NAME to require it at run time) or a mapping (NAME: value, NAME: null to require it).")]
    [Example("env:\n  - HF_TOKEN\n  - MODEL=llama3")]
    public EnvVariables Env { get; init; } = EnvVariables.Empty;

    [Description("Has no effect for tasks and services since dstack 0.18.31; dev environments run it before `init`.")]
    [Deprecated("it has no effect for tasks and services: move these commands to the start of `commands` (a dev environment still runs it before `init`)")]
    public IReadOnlyList<string> Setup { get; init; } = [];

    [Description("The hardware the run needs: cpu, memory, gpu, disk, shm_size.")]
    [Example("resources:\n  gpu: 24GB..:1..2\n  disk: 200GB..")]
    public ResourcesSpec Resources { get; init; } = new();

    [Description("Local files or folders to copy into the job (dstack 0.19): local/path, or local/path:/container/path.")]
    [Example("files:\n  - ./configs:/workflow/configs")]
    public IReadOnlyList<FileMapping> Files { get; init; } = [];

    [Description("The run's priority from 0 to 100 (dstack 0.19); higher-priority runs are provisioned first. Default: 0.")]
    [Example("priority: 50")]
    public int? Priority { get; init; }

    [Description("Volumes to mount: name:/path (network volume), /instance/path:/path, or objects.")]
    [Example("volumes:\n  - my-data:/data")]
    public IReadOnlyList<VolumeMount> Volumes { get; init; } = [];
}
