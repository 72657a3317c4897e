using Dstack.Runtime.State;

namespace Dstack.LanguageServer.Runs;

/// <summary>
/// Reads, from the state store of <c>$DSTACK_HOME</c>, where the active run of a configuration file is reached: what
/// the lenses of a running service or dev environment show. Only reads: a <c>state.db</c> that does not exist is not
/// created (it is looked for again on the next read), and one that cannot be read counts as no endpoints. Safe to use
/// from several threads.
/// </summary>
public sealed class RunEndpointsReader(DstackHome home)
{
    private static readonly StringComparer PathComparer = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    private readonly Lock _gate = new();
    private StateStore? _store;

    /// <summary>
    /// The endpoints of the newest active run of the configuration at <paramref name="filePath"/> that has any; null
    /// when none has (not running, not ready yet, or no state store).
    /// </summary>
    public LiveEndpoints? For(string filePath) => For([filePath]).GetValueOrDefault(Full(filePath));

    /// <summary>The endpoints of each of <paramref name="filePaths"/> (by full path) whose newest active run with endpoints has them.</summary>
    public IReadOnlyDictionary<string, LiveEndpoints> For(IEnumerable<string> filePaths)
    {
        var wanted = new HashSet<string>(filePaths.Select(Full), PathComparer);
        var found = new Dictionary<string, LiveEndpoints>(PathComparer);
        if (wanted.Count == 0)
        {
            return found;
        }

        lock (_gate)
        {
            if (!File.Exists(home.StateDatabase))
            {
                _store = null;
                return found;
            }

            try
            {
                _store ??= StateStore.Open(home);
                foreach (var run in _store.ListRuns(all: false))
                {
                    var path = Full(run.ConfigurationPath);
                    if (!wanted.Contains(path) || found.ContainsKey(path))
                    {
                        continue;
                    }

                    var endpoints = _store.ListRunEndpoints(run.Id);
                    if (endpoints.Count > 0)
                    {
                        found[path] = new LiveEndpoints(
                            run.Name,
                            Address(endpoints, RunEndpointKind.Service),
                            Address(endpoints, RunEndpointKind.Ide),
                            Address(endpoints, RunEndpointKind.Ssh));
                    }
                }
            }
            catch (StateException)
            {
                // A store being replaced or damaged: no endpoints now; it is opened again on the next read.
                _store = null;
                found.Clear();
            }
        }

        return found;
    }

    private static string? Address(IReadOnlyList<RunEndpoint> endpoints, string kind) =>
        endpoints.FirstOrDefault(e => e.Kind == kind)?.Address;

    private static string Full(string path)
    {
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return path;
        }
    }
}
