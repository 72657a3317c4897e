namespace Dstack.Runtime.Probes;

/// <summary>
/// How slow facts are learnt (this machine's resources, a Python, the Docker engine, an SSH host, the runs'
/// placements): one policy that every backend goes through, so that none asks who is asking. The CLI probes when
/// asked, on the caller's thread (<see cref="SynchronousProbes"/>); the editor answers at once with the latest answer
/// and probes in the background (<see cref="BackgroundProbes"/>), since no request may wait for <c>ssh</c> or
/// <c>nvidia-smi</c>.
/// </summary>
public interface IProbes
{
    /// <summary>
    /// The answer of <paramref name="probe"/>: probed now, or the latest one, as the policy does it; null while there is
    /// none yet and the probe does not wait for its first (<see cref="Probe{T}.WaitForFirst"/>).
    /// </summary>
    T? Latest<T>(Probe<T> probe)
        where T : class;

    /// <summary>
    /// The answers of <paramref name="probes"/>, in their order; those that must be probed now are probed all at once
    /// (a list of unreachable hosts takes one timeout, not one per host).
    /// </summary>
    IReadOnlyList<T?> LatestAll<T>(IReadOnlyList<Probe<T>> probes)
        where T : class;

    /// <summary>
    /// Starts learning the answer where the policy learns in the background, so that it is usually there before it is
    /// asked for; nothing where a probe runs when asked.
    /// </summary>
    void Start<T>(Probe<T> probe)
        where T : class;

    /// <summary>
    /// Forgets the answers whose key starts with <paramref name="scope"/> and is none of <paramref name="keys"/>
    /// (a host removed from config.yml): they are neither kept nor probed again.
    /// </summary>
    void Retain(string scope, IReadOnlyCollection<string> keys);
}
