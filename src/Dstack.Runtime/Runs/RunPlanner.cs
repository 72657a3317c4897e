using Dstack.Runtime.Backends.Local;
using Dstack.Runtime.Backends.Ssh;
using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Binding;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Configuration.Profiles;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Names;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Resources;
using Dstack.Runtime.Runs.Environment;

namespace Dstack.Runtime.Runs;

/// <summary>
/// Configuration + profile + command-line options + environment + run arguments → a resolved <see cref="RunSpec"/>
/// and the local machine's offer, or every reason it cannot run. Nothing is started and nothing is written.
/// </summary>
public static partial class RunPlanner
{
    public static RunPlan Plan(RunRequest request)
    {
        var diagnostics = new List<Diagnostic>();
        var repoRoot = Path.GetFullPath(request.RepoFolder, request.WorkingDirectory);
        var project = Path.GetFileName(repoRoot.TrimEnd('/'));
        if (!Directory.Exists(repoRoot))
        {
            return Failed(CommandLineError(DiagnosticCodes.FileNotFound, $"{request.RepoFolder}: no such folder; name the folder whose code the run gets (default: the current folder)"));
        }

        // The name becomes $DSTACK_HOME/runs/<name>: refused before anything is read, so no path is ever built from it.
        if (request.Overrides.Name is { } requestedName && NameRule.Run.Problem(requestedName) is { } nameProblem)
        {
            return Failed(CommandLineError(DiagnosticCodes.InvalidOption, $"-n: {nameProblem}"));
        }

        var (configurationPath, display) = FindConfiguration(request, repoRoot);
        if (configurationPath is null)
        {
            return Failed(CommandLineError(DiagnosticCodes.FileNotFound, request.ConfigurationFile is null
                ? $"{request.RepoFolder} has no .dstack.yml; name the configuration with -f FILE"
                : $"{request.ConfigurationFile}: no such file; check the path given to -f"));
        }

        var document = ConfigurationLoader.LoadFile(configurationPath, display);
        diagnostics.AddRange(document.Diagnostics);
        if (document.Kind != ConfigurationKind.Run || document.RunConfiguration is not { } configuration)
        {
            if (document.IsValid)
            {
                diagnostics.Add(new Diagnostic(DiagnosticCodes.InvalidConfigurationType, DiagnosticSeverity.Error, "this is not a run configuration (a task, service or dev environment); name a *.dstack.yml file with -f", SourceSpan.FileStart, display));
            }

            return new RunPlan { Document = document, ConfigurationDisplay = display, Diagnostics = diagnostics, Project = project };
        }

        if (!document.IsValid)
        {
            return new RunPlan { Document = document, ConfigurationDisplay = display, Diagnostics = diagnostics, Project = project };
        }

        var overrides = request.Overrides;
        var selection = ProfileResolver.Select(ProfileResolver.ProfileFiles(repoRoot, request.Home.Root), overrides.Profile ?? request.Environment.GetValueOrDefault("DSTACK_PROFILE"));
        diagnostics.AddRange(selection.Diagnostics);
        var profile = ApplyOptions(ProfileResolver.Merge(configuration, selection.Profile), overrides, diagnostics);
        var resources = ApplyResourceOptions(configuration.Resources, overrides, diagnostics);
        var host = string.IsNullOrWhiteSpace(overrides.Host) ? "127.0.0.1" : overrides.Host.Trim();
        if (host != "localhost" && !System.Net.IPAddress.TryParse(host, out _))
        {
            diagnostics.Add(CommandLineError(DiagnosticCodes.InvalidOption, $"--host {host}: not an IP address of this machine; write 127.0.0.1 (the default: only this machine), 0.0.0.0 (every network), or one of this machine's addresses"));
        }
        var ports = MergePorts(configuration, overrides, display, diagnostics);

        var dotEnv = DotEnvFile.Load(Path.Combine(repoRoot, ".env"));

        var environment = EnvironmentResolver.Resolve(configuration.Env, overrides.Env, request.Environment, dotEnv, display, document.SourceMap);
        diagnostics.AddRange(environment.Diagnostics);

        // The local machine first (nothing to upload); the SSH pool when the local machine cannot run it, or the
        // backends leave it out. The local machine's problems are only shown when no host takes the run either.
        var local = new List<Diagnostic>();
        string? python = null;
        if (configuration.Python is { } version && configuration.Image is null)
        {
            var lookup = PythonInterpreter.Find(version, request.Environment.GetValueOrDefault("PATH"));
            python = lookup.Executable;
            if (python is null)
            {
                local.Add(new Diagnostic(DiagnosticCodes.NoMatchingPython, DiagnosticSeverity.Error, lookup.ErrorMessage(version), SpanOf(document, "python"), display));
            }
        }

        if (configuration.Image is { } image)
        {
            var docker = DockerEngine.Probe(TimeSpan.FromSeconds(3));
            if (!docker.Available)
            {
                local.Add(new Diagnostic(DiagnosticCodes.DockerUnavailable, DiagnosticSeverity.Error, docker.ErrorMessage(image), SpanOf(document, "image"), display));
            }
        }

        CheckLocalSupport(configuration, document, display, local);

        var machine = LocalMachine.Detect(request.Home.Root);
        var unmet = ResourceMatcher.Unmet(resources, machine, enforceDefaults: false);
        if (unmet.Count > 0)
        {
            local.Add(new Diagnostic(
                DiagnosticCodes.ResourcesUnmet,
                DiagnosticSeverity.Error,
                $"this machine cannot run the configuration: {string.Join("; ", unmet)}. Lower the requirement (or use --gpu/--disk), or run it on a bigger machine",
                SpanOf(document, "resources"),
                display));
        }

        var gpus = AllocateGpus(resources, machine, machine.Gpus.Count > 0 ? request.GpusInUse() : new Dictionary<int, string>(), unmet.Count == 0, document, display, local);
        var pool = AdmitsSsh(profile) ? ReadPool(request, diagnostics) : [];
        CheckOfferFilters(profile, local, sshHostsToo: pool.Count > 0);
        SshPlacement? placement = null;
        if (pool.Count > 0 && (local.Any(d => d.IsError) || !AdmitsLocal(profile)))
        {
            var sshProblems = new List<Diagnostic>();
            var sshNotes = new List<Diagnostic>();
            placement = PlaceOnHosts(request, pool, configuration, resources, profile, overrides, document, display, sshProblems, sshNotes);
            if (placement is not null)
            {
                diagnostics.AddRange(sshNotes);
            }
            else
            {
                diagnostics.AddRange(AdmitsLocal(profile) ? local : []);
                diagnostics.AddRange(sshProblems);
            }
        }
        else
        {
            diagnostics.AddRange(local);
        }

        var offer = placement is null ? new LocalOffer($"local ({System.Environment.MachineName})", machine) : null;
        var script = ScriptOf(configuration, overrides.RunArgs, diagnostics, display);
        var spec = new RunSpec
        {
            RunName = overrides.Name ?? configuration.Name ?? string.Empty,
            Type = configuration.Type,
            ConfigurationPath = configurationPath,
            RepoRoot = repoRoot,
            Script = script,
            Shell = ShellOf(configuration),
            WorkingDir = configuration.WorkingDir,
            Env = [.. environment.Variables.Select(v => new EnvEntry(v.Key, v.Value))],
            Secrets = [.. environment.SecretValues],
            Ports = ports,
            Nodes = configuration is TaskConfiguration task ? task.Nodes : 1,
            Gpus = placement is null ? gpus : [],
            HasMachineGpus = placement is null ? machine.Gpus.Count > 0 : placement.Offers.Any(o => o.Resources.Gpus.Count > 0),
            Backend = placement is null ? LocalOffer.Backend : SshOffer.Backend,
            Hosts = placement is null ? [] : [.. placement.Offers.Select(o => o.Host)],
            NodeAddresses = placement?.Addresses ?? [],
            HostGpus = placement is null ? [] : [.. placement.Offers.Select(o => o.Gpus)],
            SpareHosts = placement?.Spares ?? [],
            Python = configuration.Python,
            PythonExecutable = placement is null ? python : null,
            Image = configuration.Image,
            Entrypoint = configuration.Entrypoint,
            Privileged = configuration.Privileged,
            User = configuration.User,
            MaxDuration = profile.MaxDuration?.Seconds,
            StopDuration = profile.StopDuration is { } stop ? stop.Seconds : 300,
            RetryOn = profile.Retry is { IsEnabled: true } retry ? retry.OnEvents : [],
            RetryDuration = profile.Retry?.Duration?.Seconds ?? 3600,
            Build = configuration is TaskConfiguration t ? t.Build : [],
            ForceBuild = overrides.ForceBuild,
            BuildOnly = overrides.BuildOnly,
            Reload = overrides.Reload,
            RunArgs = overrides.RunArgs,
        };
        if (overrides.BuildOnly && spec.Build.Count == 0)
        {
            diagnostics.Add(new Diagnostic(DiagnosticCodes.NothingToRun, DiagnosticSeverity.Error, "dstack build: the configuration has no build commands; add `build:` with the commands that prepare the environment", SourceSpan.FileStart, display));
        }

        return new RunPlan
        {
            Document = document,
            ConfigurationDisplay = display,
            Spec = spec,
            Offer = offer,
            HostOffers = placement?.Offers ?? [],
            ProfileName = selection.SourcePath is not null && selection.Profile.Name is { Length: > 0 } name ? name : null,
            Ports = ports,
            Host = host,
            RequestedName = overrides.Name ?? configuration.Name,
            Project = project,
            Diagnostics = diagnostics,
        };

        RunPlan Failed(Diagnostic problem) => new() { Diagnostics = [problem], Project = project };
    }

    /// <summary>
    /// The GPUs the run gets (nvidia-smi indexes), chosen among those no active run holds. When the machine has
    /// enough but other runs hold them, that is a no-capacity error naming those runs.
    /// </summary>
    private static IReadOnlyList<int> AllocateGpus(ResourcesSpec resources, MachineResources machine, IReadOnlyDictionary<int, string> inUse, bool machineFits, ConfigurationDocument document, string display, List<Diagnostic> diagnostics)
    {
        var free = Enumerable.Range(0, machine.Gpus.Count).Where(i => !inUse.ContainsKey(i)).ToList();
        var freeMachine = machine with { Gpus = [.. free.Select(i => machine.Gpus[i])] };
        if (machineFits && resources.Gpu is not null && ResourceMatcher.Unmet(resources, freeMachine, enforceDefaults: false).Count > 0)
        {
            var holders = inUse.OrderBy(h => h.Key).Select(h => $"GPU {h.Key} by {h.Value}");
            diagnostics.Add(new Diagnostic(
                DiagnosticCodes.NoCapacity,
                DiagnosticSeverity.Error,
                $"no capacity: the GPUs this run needs ({resources.Gpu}) are held by other runs ({string.Join(", ", holders)}); wait for them to end, stop one (dstack stop RUN), or add `retry: {{on_events: [no-capacity]}}` to wait automatically",
                SpanOf(document, "resources"),
                display));
            return [];
        }

        var chosen = new List<int>();
        foreach (var gpu in ResourceMatcher.Allocate(resources.Gpu, freeMachine.Gpus))
        {
            chosen.Add(free.First(i => !chosen.Contains(i) && machine.Gpus[i] == gpu));
        }

        return chosen;
    }

    private static (string? Path, string Display) FindConfiguration(RunRequest request, string repoRoot)
    {
        if (request.ConfigurationFile is { } file)
        {
            var full = Path.GetFullPath(file, request.WorkingDirectory);
            return (File.Exists(full) ? full : null, file);
        }

        foreach (var name in new[] { ".dstack.yml", ".dstack.yaml" })
        {
            var candidate = Path.Combine(repoRoot, name);
            if (File.Exists(candidate))
            {
                var display = Path.GetRelativePath(request.WorkingDirectory, candidate);
                return (candidate, display.StartsWith("..", StringComparison.Ordinal) ? candidate : display);
            }
        }

        return (null, string.Empty);
    }

    internal static Diagnostic CommandLineError(string code, string message) => new(code, DiagnosticSeverity.Error, message, SourceSpan.FileStart, null);

    private static SourceSpan SpanOf(ConfigurationDocument document, string property)
    {
        if (document.Root is Yaml.YamlMapping mapping && mapping.Find(property) is { } entry)
        {
            return entry.Key.Span;
        }

        return SourceSpan.FileStart;
    }
}
