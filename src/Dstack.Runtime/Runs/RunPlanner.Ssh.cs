using Dstack.Runtime.Backends.Ssh;
using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Runs;

/// <summary>
/// The SSH pool as a place to run: taken when the local machine cannot run the configuration (or the backends leave
/// it out), one free host per node, each probed and matched; every host left out is named with its reason.
/// </summary>
public static partial class RunPlanner
{
    /// <summary>True when the backends filter admits SSH hosts (none given, or <c>ssh</c>/<c>remote</c> among them).</summary>
    private static bool AdmitsSsh(Profile profile) =>
        profile.Backends is not { } backends || backends.Contains(BackendType.Ssh) || backends.Contains(BackendType.Remote);

    private static bool AdmitsLocal(Profile profile) => profile.Backends is not { } backends || backends.Contains(BackendType.Local);

    /// <summary>The pool's hosts; a malformed config.yml is a warning here (the local machine may still run the run).</summary>
    private static IReadOnlyList<SshHost> ReadPool(RunRequest request, List<Diagnostic> diagnostics)
    {
        if (!File.Exists(request.Home.ConfigFile))
        {
            return [];
        }

        var config = SshHostsConfig.Read(request.Home.ConfigFile, out var problems);
        diagnostics.AddRange(problems.Select(p => p with { Severity = DiagnosticSeverity.Warning }));
        return config.Hosts;
    }

    /// <summary>Plans the run on SSH hosts; null with the reasons added to <paramref name="problems"/> when no set of hosts fits.</summary>
    private static SshPlacement? PlaceOnHosts(RunRequest request, IReadOnlyList<SshHost> pool, RunConfiguration configuration, ResourcesSpec resources, Profile profile, RunOverrides overrides, ConfigurationDocument document, string display, List<Diagnostic> problems, List<Diagnostic> warnings)
    {
        var before = problems.Count;
        if (configuration.Image is not null)
        {
            problems.Add(new Diagnostic(DiagnosticCodes.UnsupportedOnSsh, DiagnosticSeverity.Error, "image: SSH hosts run the commands directly on the host, not in a container, for now; remove `image` to run on an SSH host, or run the image locally (-b local)", SpanOf(document, "image"), display));
        }

        if (configuration is TaskConfiguration { Build.Count: > 0 })
        {
            problems.Add(new Diagnostic(DiagnosticCodes.UnsupportedOnSsh, DiagnosticSeverity.Error, "build: SSH hosts do not keep a prepared environment between runs yet; move the build commands to the start of `commands`, or run locally (-b local)", SpanOf(document, "build"), display));
        }

        if (configuration.Volumes.Count > 0)
        {
            problems.Add(new Diagnostic(DiagnosticCodes.UnsupportedOnSsh, DiagnosticSeverity.Error, "volumes: SSH hosts do not mount volumes; read the data from its folder on the host, for example through an env variable with its path", SpanOf(document, "volumes"), display));
        }

        if (overrides.Reload)
        {
            problems.Add(CommandLineError(DiagnosticCodes.UnsupportedOnSsh, "--reload copies changes into a job on this machine only; run without --reload on SSH hosts, or run locally (-b local)"));
        }

        if (profile.SpotPolicy == SpotPolicy.Spot)
        {
            problems.Add(CommandLineError(DiagnosticCodes.NoOffers, "no offers: spot_policy spot asks for spot instances, and SSH hosts are on-demand; use --on-demand or --spot-auto"));
        }

        if (profile.Regions is { Count: > 0 } regions && !regions.Contains(SshOffer.Region, StringComparer.OrdinalIgnoreCase))
        {
            problems.Add(CommandLineError(DiagnosticCodes.NoOffers, $"no offers: regions [{string.Join(", ", regions)}] excludes the SSH hosts (their region is `ssh`); remove regions, or pass -r ssh"));
        }

        if (profile.InstanceTypes is { Count: > 0 } types && !pool.Any(h => types.Contains(h.Name, StringComparer.OrdinalIgnoreCase)))
        {
            problems.Add(CommandLineError(DiagnosticCodes.NoOffers, $"no offers: instance_types [{string.Join(", ", types)}] names no SSH host (their instance types are their pool names: {string.Join(", ", pool.Select(h => h.Name))})"));
        }

        if (problems.Count > before)
        {
            return null;
        }

        var candidates = profile.InstanceTypes is { Count: > 0 } wanted ? [.. pool.Where(h => wanted.Contains(h.Name, StringComparer.OrdinalIgnoreCase))] : pool;
        var search = SshOffers.Find(request.Home, candidates, resources, request.HostsInUse());
        var nodes = configuration is TaskConfiguration task ? task.Nodes : 1;
        if (search.Fitting.Count < nodes)
        {
            var need = nodes == 1 ? "no SSH host can run it" : $"nodes: {nodes} needs {nodes} free SSH hosts that fit, and {search.Fitting.Count} {(search.Fitting.Count == 1 ? "does" : "do")}";
            problems.Add(new Diagnostic(
                DiagnosticCodes.NoOffers,
                DiagnosticSeverity.Error,
                $"{need}: {string.Join("; ", search.NotOffered.Concat(search.Fitting.Select(f => $"{f.Host.Name}: fits")))}. Lower the requirement, free a host (dstack ps), or add one (dstack pool add-ssh)",
                SpanOf(document, nodes > 1 ? "nodes" : "resources"),
                display));
            return null;
        }

        if (configuration.Python is not null)
        {
            warnings.Add(new Diagnostic(DiagnosticCodes.NoMatchingPython, DiagnosticSeverity.Warning, $"python: on SSH hosts the job runs with the host's own python3 (dstack does not install Python {configuration.Python} there); check `python3 --version` on the host", SpanOf(document, "python"), display));
        }

        foreach (var reason in search.NotOffered)
        {
            warnings.Add(new Diagnostic(DiagnosticCodes.NoOffers, DiagnosticSeverity.Info, $"not offered: {reason}", SourceSpan.FileStart, null));
        }

        var chosen = search.Fitting.Take(nodes).ToList();
        return new SshPlacement(chosen, [.. search.Fitting.Skip(nodes).Select(f => f.Host)], [.. chosen.Select(c => SshOffers.NodeAddress(c.Host.Host))]);
    }

    private sealed record SshPlacement(IReadOnlyList<SshOffer> Offers, IReadOnlyList<SshHost> Spares, IReadOnlyList<string> Addresses);
}
