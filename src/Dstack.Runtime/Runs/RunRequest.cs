using Dstack.Runtime.State;

namespace Dstack.Runtime.Runs;

/// <summary>What a front end asks to run: the folder, the configuration file, the options, and the caller's environment.</summary>
/// <param name="WorkingDirectory">The folder the command was started in.</param>
/// <param name="RepoFolder">The folder whose code the job gets (<c>dstack run DIR</c>); relative to <paramref name="WorkingDirectory"/>.</param>
/// <param name="ConfigurationFile">The configuration (<c>-f</c>), relative to <paramref name="WorkingDirectory"/>; null for <c>DIR/.dstack.yml</c>.</param>
/// <param name="Overrides">The command-line options.</param>
/// <param name="Environment">The caller's environment variables (required variables are filled from it).</param>
/// <param name="Home">Where the state lives.</param>
public sealed record RunRequest(
    string WorkingDirectory,
    string RepoFolder,
    string? ConfigurationFile,
    RunOverrides Overrides,
    IReadOnlyDictionary<string, string> Environment,
    DstackHome Home)
{
    /// <summary>
    /// The GPUs (nvidia-smi indexes) that active runs hold, with the run holding each: a new run gets the others.
    /// Asked only on a machine with GPUs.
    /// </summary>
    public Func<IReadOnlyDictionary<int, string>> GpusInUse { get; init; } = () => new Dictionary<int, string>();

    /// <summary>The SSH hosts that active runs hold (pool name → run name): a host runs one run at a time.</summary>
    public Func<IReadOnlyDictionary<string, string>> HostsInUse { get; init; } = () => new Dictionary<string, string>();
}
