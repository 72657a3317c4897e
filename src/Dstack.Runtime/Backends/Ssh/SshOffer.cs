using Dstack.Runtime.Planning;

namespace Dstack.Runtime.Backends.Ssh;

/// <summary>A host of the SSH pool that fits a run: its probed resources and the GPUs the job would get there. Free, on-demand.</summary>
public sealed record SshOffer(SshHost Host, MachineResources Resources, IReadOnlyList<int> Gpus)
{
    public const string Backend = "ssh";

    /// <summary>The region column of an SSH host's offer.</summary>
    public const string Region = "ssh";

    /// <summary>How the offer names its machine: the pool name and the address.</summary>
    public string Instance => $"{Host.Name} ({Host.Address})";
}
