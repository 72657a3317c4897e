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
    /// <summary>Where active runs' jobs are (their placements): a GPU or a pool host one holds is not offered again.</summary>
    public Func<IReadOnlyList<Offers.HeldPlacement>> InUse { get; init; } = () => [];

    /// <summary>
    /// A pipelines workflow of <c>RepoFolder/.dstack/workflows</c> to run (<c>dstack run NAME</c>) instead of a
    /// configuration file; null for a task, service or dev environment.
    /// </summary>
    public string? Workflow { get; init; }

    /// <summary>The configured backends; null reads them from <see cref="Home"/>'s config.yml (<see cref="Backends.BackendRegistry"/>).</summary>
    public Func<Backends.ConfiguredBackends>? Backends { get; init; }
}
