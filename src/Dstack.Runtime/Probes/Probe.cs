namespace Dstack.Runtime.Probes;

/// <summary>One slow fact to learn through <see cref="IProbes"/>, and how long an answer holds.</summary>
/// <typeparam name="T">The answer.</typeparam>
/// <param name="Key">
/// What is probed, the same for every ask of the same fact and unique among all (its owner first: <c>local/machine</c>,
/// <c>ssh/HOST</c>); answers are kept by it.
/// </param>
/// <param name="Run">Probes now (on the caller's thread or in the background, as the policy does it).</param>
/// <param name="MaxAge">How old an answer may be before an ask probes again.</param>
public sealed record Probe<T>(string Key, Func<T> Run, TimeSpan MaxAge)
    where T : class
{
    /// <summary>
    /// True when an answer is needed (an offer cannot be made without this machine's resources): the first ask waits for
    /// the first probe, shared by every ask, and gets its failure; later ones get the latest answer at once. False: an
    /// ask before the first answer gets null (an SSH host shown as still being probed).
    /// </summary>
    public bool WaitForFirst { get; init; }

    /// <summary>
    /// An answer kept elsewhere (another dstack process's probe, on disk), or null: the editor takes it as probed now
    /// before it probes. The CLI's <see cref="Run"/> reads such a cache itself.
    /// </summary>
    public Func<T?>? Kept { get; init; }

    /// <summary>What is answered before the first probe ends (null: nothing is known); a first probe that finds the same changes nothing.</summary>
    public T? Assumed { get; init; }

    /// <summary>
    /// What of an answer a request shows: an answer probed in the background with another one tells the editor to ask
    /// again (its diagnostics and lenses). Null: a new answer is only used from the next ask on.
    /// </summary>
    public Func<T, string>? Shown { get; init; }
}
