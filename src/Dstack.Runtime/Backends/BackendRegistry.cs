using System.Diagnostics.CodeAnalysis;
using Dstack.Runtime.Backends.Aws;
using Dstack.Runtime.Backends.Gcp;
using Dstack.Runtime.Backends.Azure;
using Dstack.Runtime.Backends.Local;
using Dstack.Runtime.Backends.Ssh;
using Dstack.Runtime.Configuration.Binding;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Offers;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Backends;

/// <summary>
/// The backends configured for a state folder, from the <c>backends:</c> list of <c>$DSTACK_HOME/config.yml</c>
/// (<see cref="BackendsConfig"/>): this machine unless <c>- type: local</c> says <c>enabled: false</c>, and the SSH
/// pool when it has hosts (<c>- type: ssh</c>, or the old top-level <c>ssh_hosts:</c>). The only place that knows every
/// backend type: a new one is a <see cref="BackendRegistration"/> in <see cref="Registrations"/>.
/// </summary>
public static class BackendRegistry
{
    /// <summary>
    /// The catalog of <paramref name="home"/>'s backends and what is wrong with config.yml: errors for what breaks a
    /// rule (that backend is left out, the others are still configured), warnings for entries left out on purpose (a
    /// dstack backend type this version does not support yet). <paramref name="context"/> says how slow facts are learnt
    /// (default: probed when asked, as the CLI does; the editor answers with the latest and probes in the background)
    /// and carries a test's replacements.
    /// </summary>
    public static ConfiguredBackends Read(DstackHome home, BackendContext? context = null)
    {
        var diagnostics = new DiagnosticBag(home.ConfigFile);
        var config = BackendsConfig.Read(home.ConfigFile, diagnostics);
        var registrations = Registrations(context ?? BackendContext.Synchronous());
        var backends = new List<IBackend>();
        foreach (var registration in registrations)
        {
            var entry = config.Find(registration.Type);
            if (entry is null && !registration.WithoutEntry)
            {
                continue;
            }

            // Each factory has its own bag, so it can tell its own problems (a typo in one entry takes no other away).
            var own = new DiagnosticBag(home.ConfigFile);
            var backend = registration.Create(entry, config, home, own);
            foreach (var problem in own.Items)
            {
                diagnostics.Add(problem.Code, problem.Severity, problem.Span, problem.Message, problem.Suggestion);
            }

            if (backend is not null)
            {
                backends.Add(backend);
            }
        }

        foreach (var entry in config.Entries.Where(e => !registrations.Any(r => r.Type == e.Type)))
        {
            ReportUnsupported(entry, registrations, diagnostics);
        }

        return new ConfiguredBackends(new OfferCatalog(backends), diagnostics.ToSortedList());
    }

    /// <summary>
    /// Where a job ran when its run's spec names no placement (a spec written before backends had offers): this
    /// machine, the embedded default backend.
    /// </summary>
    public static Offer DefaultPlacement => LocalBackend.ThisMachine;

    /// <summary>
    /// The backend named <paramref name="name"/>, to provision, reach and terminate instances it made (its offers carry
    /// what it needs, so config.yml is not read: a pool host removed since the plan still runs the job it took). Null
    /// for a name no backend has.
    /// </summary>
    public static IBackend? ForRun(DstackHome home, string name) =>
        Registrations(BackendContext.Synchronous()).FirstOrDefault(r => r.Type == name)?.Reach(home);

    /// <summary>
    /// How to configure backend type <paramref name="type"/> of <paramref name="home"/> (for a user who named it while
    /// it is not configured); null for a type no backend has.
    /// </summary>
    public static string? HowToConfigure(DstackHome home, string type) =>
        Registrations(BackendContext.Synchronous()).FirstOrDefault(r => r.Type == type) is { } registration
            ? registration.HowToConfigure ?? $"{type} is configured by an entry `- type: {type}` under `backends:` in {home.ConfigFile} (docs/backends.md)"
            : null;

    /// <summary>
    /// Every backend type config.yml may configure; each factory gets a bag of its own, so it can tell whether the
    /// entry it read had a problem. Each takes what it needs from <paramref name="context"/> (this machine's facts and the
    /// pool's hosts are learnt through its probes; a test replaces this machine's facts).
    /// </summary>
    private static List<BackendRegistration> Registrations(BackendContext context)
    {
        List<BackendRegistration> registrations =
        [
            new(
                LocalBackend.BackendName,
                (entry, _, home, diagnostics) => LocalBackendSettings.IsEnabled(entry, diagnostics) ? new LocalBackend((context.Replacement<LocalMachineFacts>() ?? LocalMachineFacts.Detect(home.Root)).Through(context.Probes)) : null,
                home => new LocalBackend(LocalMachineFacts.Detect(home.Root)),
                WithoutEntry: true),
            new(
                SshBackend.BackendName,
                (_, config, home, diagnostics) => SshHostsConfig.ReadHosts(config, diagnostics) is { Count: > 0 } hosts && !diagnostics.HasErrors
                    ? new SshBackend(home, new ProbingSshPool(home, hosts, context.Probes))
                    : null,
                home => new SshBackend(home, new ProbingSshPool(home, [], context.Probes)),
                WithoutEntry: true,
                HowToConfigure: "ssh is configured once the pool has a host: dstack pool add-ssh USER@HOST"),
            new(
                AwsBackend.BackendName,
                (entry, _, home, diagnostics) => entry is not null && AwsSettings.Read(entry, diagnostics) is { } settings ? new AwsBackend(home, settings) : null,
                home => new AwsBackend(home, AwsSettingsOf(home))),
        ];
        if (SdkBackends.IsSupported)
        {
            registrations.AddRange(SdkRegistrations());
        }

        return registrations;
    }

    /// <summary>The backends built on SDKs that a native build leaves out (<see cref="SdkBackends"/>).</summary>
    [RequiresUnreferencedCode("Google.Apis.Auth (through Newtonsoft.Json) and Azure.ResourceManager use reflection over unreferenced code.")]
    [RequiresDynamicCode("Google.Apis.Auth (through Newtonsoft.Json) and Azure.ResourceManager generate code at run time.")]
    private static BackendRegistration[] SdkRegistrations() =>
    [
        new(
            GcpBackend.BackendName,
            (entry, _, home, diagnostics) => entry is not null && GcpSettings.Read(entry, diagnostics, Path.GetDirectoryName(home.ConfigFile)) is { } settings ? new GcpBackend(home, settings) : null,
            home => new GcpBackend(home, GcpSettingsOf(home))),
        new(
            AzureBackend.BackendName,
            (entry, _, home, diagnostics) => entry is not null && AzureSettings.Read(entry, diagnostics) is { } settings ? new AzureBackend(home, settings) : null,
            home => new AzureBackend(home, AzureSettingsOf(home))),
    ];

    /// <summary>The gcp entry's settings for reaching instances already made (read from config.yml, never from the state store).</summary>
    private static GcpSettings GcpSettingsOf(DstackHome home)
    {
        var diagnostics = new DiagnosticBag(home.ConfigFile);
        var entry = BackendsConfig.Read(home.ConfigFile, diagnostics).Find(GcpBackend.BackendName);
        return entry is not null && GcpSettings.Read(entry, new DiagnosticBag(home.ConfigFile), Path.GetDirectoryName(home.ConfigFile)) is { } settings ? settings : new GcpSettings();
    }

    /// <summary>
    /// The azure entry's settings for reaching VMs already made (its credentials are read from config.yml, never from
    /// the state store); without a readable entry, ones that name no subscription, whose calls fail in words.
    /// </summary>
    private static AzureSettings AzureSettingsOf(DstackHome home)
    {
        var entry = BackendsConfig.Read(home.ConfigFile, new DiagnosticBag(home.ConfigFile)).Find(AzureBackend.BackendName);
        return entry is not null && AzureSettings.Read(entry, new DiagnosticBag(home.ConfigFile)) is { } settings
            ? settings
            : new AzureSettings { SubscriptionId = "00000000-0000-0000-0000-000000000000", TenantId = "organizations" };
    }

    /// <summary>
    /// The aws entry's settings for reaching instances already made (its credentials are read from config.yml, never
    /// from the state store); the SDK's own chain when config.yml has none that reads.
    /// </summary>
    private static AwsSettings AwsSettingsOf(DstackHome home)
    {
        var diagnostics = new DiagnosticBag(home.ConfigFile);
        var entry = BackendsConfig.Read(home.ConfigFile, diagnostics).Find(AwsBackend.BackendName);
        return entry is not null && AwsSettings.Read(entry, new DiagnosticBag(home.ConfigFile)) is { } settings ? settings : new AwsSettings();
    }

    /// <summary>
    /// An entry whose type this version has no backend for: one of dstack's other backends is left out with a warning;
    /// any other name is an error with the nearest type.
    /// </summary>
    private static void ReportUnsupported(BackendEntry entry, IReadOnlyList<BackendRegistration> registrations, DiagnosticBag diagnostics)
    {
        if (!SdkBackends.IsSupported && SdkBackends.Types.Contains(entry.Type))
        {
            diagnostics.Warning(
                DiagnosticCodes.HostsConfigInvalid,
                entry.Span,
                $"the {entry.Type} backend is not in the native build of dstack (its SDK needs the .NET JIT); the entry is left out: run the portable build (the dstack .NET tool, or `dotnet dstack.dll`) to use it");
            return;
        }

        var supported = registrations.Select(r => r.Type).ToList();
        var known = ModelBinder.EnumNames(typeof(BackendType)).Select(n => n.Name).Where(n => !supported.Contains(n) && n != "remote").ToList();
        if (known.Contains(entry.Type))
        {
            diagnostics.Warning(
                DiagnosticCodes.HostsConfigInvalid,
                entry.Span,
                $"the {entry.Type} backend is one of dstack's, but not supported by this version yet; the entry is left out: remove it, or use {string.Join(" or ", supported)}");
            return;
        }

        // dstack calls SSH fleet hosts `remote`; in config.yml they are the ssh backend.
        var best = entry.Type == "remote" ? SshBackend.BackendName : DidYouMean.Find(entry.Type, [.. supported, .. known]);
        var hint = best is not null ? $"did you mean {best}?" : $"the types are {string.Join(", ", supported)} (and dstack's {string.Join(", ", known)}, not supported yet)";
        diagnostics.Error(
            DiagnosticCodes.HostsConfigInvalid,
            entry.Span,
            $"`{entry.Type}` is not a backend type; {hint}",
            best is not null ? new Suggestion(entry.Span, best) : null);
    }
}

/// <summary>
/// The configured backends as a catalog, and config.yml's problems (errors and warnings, each with file, line and
/// column). A run shows them all as warnings: the backends that are fine may still run it.
/// </summary>
public sealed record ConfiguredBackends(OfferCatalog Catalog, IReadOnlyList<Diagnostic> Problems);
