using Dstack.Runtime.Backends.Local;
using Dstack.Runtime.Backends.Ssh;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Offers;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Backends;

/// <summary>
/// The backends configured for a state folder: this machine always (the embedded default), then those of
/// <c>$DSTACK_HOME/config.yml</c> (the SSH pool). The only place that knows every backend: a new one is registered here.
/// </summary>
public static class BackendRegistry
{
    /// <summary>
    /// The catalog of <paramref name="home"/>'s backends and what is wrong with config.yml (as warnings: this machine
    /// may still run the run). <paramref name="local"/> and <paramref name="sshPool"/> replace how this machine and the
    /// pool's hosts are learnt (the editor keeps answers; tests use fakes).
    /// </summary>
    public static ConfiguredBackends Read(DstackHome home, LocalMachineFacts? local = null, Func<IReadOnlyList<SshHost>, ISshPool>? sshPool = null)
    {
        var backends = new List<IBackend> { new LocalBackend(local ?? LocalMachineFacts.Detect(home.Root)) };
        IReadOnlyList<Diagnostic> problems = [];
        if (File.Exists(home.ConfigFile))
        {
            var config = SshHostsConfig.Read(home.ConfigFile, out problems);
            if (config.Hosts.Count > 0)
            {
                backends.Add(new SshBackend(home, sshPool?.Invoke(config.Hosts) ?? new ProbingSshPool(home, config.Hosts)));
            }
        }

        return new ConfiguredBackends(new OfferCatalog(backends), [.. problems.Select(p => p with { Severity = DiagnosticSeverity.Warning })]);
    }

    /// <summary>
    /// The backend named <paramref name="name"/>, to provision, reach and terminate instances it made (its offers carry
    /// what it needs, so config.yml is not read: a pool host removed since the plan still runs the job it took). Null
    /// for a name no backend has.
    /// </summary>
    public static IBackend? ForRun(DstackHome home, string name) => name switch
    {
        LocalBackend.BackendName => new LocalBackend(LocalMachineFacts.Detect(home.Root)),
        SshBackend.BackendName => new SshBackend(home, new ProbingSshPool(home, [])),
        _ => null,
    };
}

/// <summary>The configured backends as a catalog, and config.yml's problems.</summary>
public sealed record ConfiguredBackends(OfferCatalog Catalog, IReadOnlyList<Diagnostic> Problems);
