namespace Dstack.Runtime.Runs;

/// <summary>
/// A step of a run on its way to running, as typed events: the CLI shows them as a status line and a progress bar,
/// MSBuild as messages, the editor as work-done progress. The run's log keeps its own lines; no code reads state from them.
/// </summary>
public abstract record RunProgress(int Rank)
{
    /// <summary>The step in words, for a front end that shows one line per event.</summary>
    public abstract string Describe();
}

/// <summary>An instance is being provisioned for job <paramref name="Rank"/>.</summary>
public sealed record ProvisioningProgress(int Rank, string Backend, string Instance) : RunProgress(Rank)
{
    public override string Describe() => $"provisioning {Instance} ({Backend}) for job {Rank}";
}

/// <summary>The code is on its way to job <paramref name="Rank"/>'s machine: <paramref name="Sent"/> of <paramref name="Total"/> bytes.</summary>
public sealed record UploadProgress(int Rank, string Host, long Sent, long Total) : RunProgress(Rank)
{
    public override string Describe() => $"uploading the code to {Host}: {Sent} of {Total} bytes";
}

/// <summary>The run waits (for capacity, for another run's GPUs).</summary>
public sealed record WaitingProgress(string Reason) : RunProgress(0)
{
    public override string Describe() => $"waiting: {Reason}";
}

/// <summary>Job <paramref name="Rank"/>'s container image is being pulled.</summary>
public sealed record PullingProgress(int Rank, string Image) : RunProgress(Rank)
{
    public override string Describe() => $"pulling {Image} for job {Rank}";
}

/// <summary>Job <paramref name="Rank"/> runs.</summary>
public sealed record RunningProgress(int Rank, string Host) : RunProgress(Rank)
{
    public override string Describe() => $"job {Rank} is running on {Host}";
}
