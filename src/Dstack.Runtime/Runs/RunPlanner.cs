using Dstack.Runtime.Backends;
using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Binding;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Configuration.Profiles;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Names;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Runs.Environment;

namespace Dstack.Runtime.Runs;

/// <summary>
/// Configuration + profile + command-line options + environment + run arguments → a resolved <see cref="RunSpec"/>
/// and the placement of its jobs on the configured backends' offers (<see cref="OfferCatalog"/>), or every reason it cannot run. Nothing is started and nothing is written.
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

        string configurationPath;
        string display;
        ConfigurationDocument document;
        RunConfiguration configuration;
        Configuration.Model.Workflow? workflow = null;
        if (request.Workflow is { } workflowName)
        {
            var catalog = Pipelines.WorkflowCatalog.Load(repoRoot, displayFrom: request.WorkingDirectory);
            if (catalog.Find(workflowName) is not { } entry)
            {
                return Failed(CommandLineError(DiagnosticCodes.UnknownWorkflow, catalog.Unknown(workflowName)));
            }

            document = entry.Document;
            display = document.Path;
            configurationPath = Path.GetFullPath(display, request.WorkingDirectory);
            diagnostics.AddRange(document.Diagnostics);
            // Only the workflows this run needs: a broken one elsewhere in the file does not stop it.
            diagnostics.AddRange(catalog.CheckDependencies(catalog.Needs(workflowName)).Where(d => d.Path == display));
            if (catalog.RunOrder(workflowName, out var chainProblem) is null && !diagnostics.Any(d => d.IsError))
            {
                diagnostics.Add(new Diagnostic(DiagnosticCodes.WorkflowCycle, DiagnosticSeverity.Error, chainProblem!, document.SourceMap.ValueSpan(entry.Workflow, "deps"), display));
            }
            if (!document.IsValid || diagnostics.Any(d => d.IsError))
            {
                return new RunPlan { Document = document, ConfigurationDisplay = display, Diagnostics = diagnostics, Project = project };
            }

            workflow = entry.Workflow;
            configuration = Pipelines.WorkflowTask.Of(workflow, document.SourceMap);
        }
        else
        {
            (var found, display) = FindConfiguration(request, repoRoot);
            if (found is null)
            {
                return Failed(CommandLineError(DiagnosticCodes.FileNotFound, request.ConfigurationFile is null
                    ? $"{request.RepoFolder} has no .dstack.yml; name the configuration with -f FILE{WorkflowsHint(repoRoot)}"
                    : $"{request.ConfigurationFile}: no such file; check the path given to -f"));
            }

            configurationPath = found;
            document = ConfigurationLoader.LoadFile(configurationPath, display);
            diagnostics.AddRange(document.Diagnostics);
            if (document.Kind == ConfigurationKind.Workflows && document.IsValid)
            {
                var names = document.Workflows?.Workflows.Select(w => w.Name).ToList() ?? [];
                diagnostics.Add(new Diagnostic(DiagnosticCodes.InvalidConfigurationType, DiagnosticSeverity.Error, $"this is a workflows file; run one of its workflows by name: dstack run {(names.Count > 0 ? names[0] : "NAME")}{(names.Count > 1 ? $" (or {string.Join(", ", names.Skip(1))})" : string.Empty)}", SourceSpan.FileStart, display));
                return new RunPlan { Document = document, ConfigurationDisplay = display, Diagnostics = diagnostics, Project = project };
            }

            if (document.Kind != ConfigurationKind.Run || document.RunConfiguration is not { } runConfiguration)
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

            configuration = runConfiguration;
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
        if (overrides.ForceBuild && configuration is ServiceConfiguration)
        {
            diagnostics.Add(CommandLineWarning(DiagnosticCodes.OptionNotForService, "--force-build: a service has no build commands (`build:` is a task's property), so there is nothing to rebuild and the flag does nothing; remove it, and put the service's setup in its `commands`"));
        }

        var dotEnv = DotEnvFile.Load(Path.Combine(repoRoot, ".env"));

        var environment = EnvironmentResolver.Resolve(configuration.Env, overrides.Env, request.Environment, dotEnv, display, document.SourceMap);
        diagnostics.AddRange(environment.Diagnostics);

        var (image, defaultImage) = ImageOf(configuration, request, document, display, diagnostics);
        var mounts = MountsOf(configuration, image, document, display, diagnostics);
        var requirements = Requirements.Of(configuration, profile, resources, overrides.Reload, image);
        var configured = request.Backends?.Invoke() ?? BackendRegistry.Read(request.Home);
        diagnostics.AddRange(configured.Problems.Select(p => p with { Severity = DiagnosticSeverity.Warning }));
        var search = configured.Catalog.Find(requirements, new OfferContext { Environment = request.Environment, InUse = request.InUse });
        var placement = search.Place();
        diagnostics.AddRange(search.ProblemsFor(placement).Select(p => DiagnosticOf(p, document, display)));

        var script = ScriptOf(configuration, image, overrides.RunArgs, diagnostics, display);
        var service = ServiceOf(configuration, ref ports, host, placement, script, document, display, diagnostics);
        var registry = RegistryOf(configuration, environment.Variables, diagnostics, display, document);
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
            Secrets = [.. environment.SecretValues, .. registry is { Password.Length: > 0 } r ? [r.Password] : Array.Empty<string>()],
            Ports = ports,
            Nodes = Requirements.JobsOf(configuration),
            Service = service,
            Placements = placement?.Jobs ?? [],
            Spares = placement?.Spares ?? [],
            Python = configuration.Python,
            Image = image,
            Entrypoint = configuration.Entrypoint,
            Privileged = configuration.Privileged,
            User = configuration.User,
            ShmSize = resources.ShmSize is { } shm ? (long)(shm.Gigabytes * 1024 * 1024 * 1024) : null,
            Mounts = mounts,
            RegistryUsername = registry?.Username,
            RegistryPassword = registry?.Password,
            MaxDuration = profile.MaxDuration?.Seconds,
            StopDuration = profile.StopDuration is { } stop ? stop.Seconds : 300,
            RetryOn = profile.Retry is { IsEnabled: true } retry ? retry.OnEvents : [],
            RetryDuration = profile.Retry?.Duration?.Seconds ?? 3600,
            Build = configuration is TaskConfiguration t ? t.Build : [],
            ForceBuild = overrides.ForceBuild,
            BuildOnly = overrides.BuildOnly,
            Reload = overrides.Reload,
            RunArgs = overrides.RunArgs,
            Ide = configuration is DevEnvironmentConfiguration { Ide: { } ide } ? DevEnvironments.IdeLink.NameOf(ide) : null,
            InactivityDuration = configuration is DevEnvironmentConfiguration dev ? dev.InactivityDuration?.Seconds : null,
        };
        if (workflow is not null)
        {
            spec = WithWorkflow(spec, workflow, request, document, display, diagnostics);
        }

        if (overrides.BuildOnly && spec.Build.Count == 0)
        {
            diagnostics.Add(new Diagnostic(DiagnosticCodes.NothingToRun, DiagnosticSeverity.Error, "dstack build: the configuration has no build commands; add `build:` with the commands that prepare the environment", SourceSpan.FileStart, display));
        }

        return new RunPlan
        {
            Document = document,
            ConfigurationDisplay = display,
            Spec = spec,
            Offers = search,
            Placement = placement,
            DefaultImage = defaultImage,
            ProfileName = selection.SourcePath is not null && selection.Profile.Name is { Length: > 0 } name ? name : null,
            Ports = ports,
            Host = host,
            RequestedName = overrides.Name ?? configuration.Name,
            Workflow = workflow?.Name,
            Project = project,
            Diagnostics = diagnostics,
        };

        RunPlan Failed(Diagnostic problem) => new() { Diagnostics = [problem], Project = project };
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

    /// <summary>A backend's problem as a diagnostic: at its property in the file, else of the command line (or the whole file).</summary>
    private static Diagnostic DiagnosticOf(OfferProblem problem, ConfigurationDocument document, string display) => problem.Property is { } property
        ? new Diagnostic(problem.Code, problem.Severity, problem.Message, SpanOf(document, property), display)
        : new Diagnostic(problem.Code, problem.Severity, problem.Message, SourceSpan.FileStart, null);

    private static SourceSpan SpanOf(ConfigurationDocument document, string property)
    {
        if (document.Root is Yaml.YamlMapping mapping && mapping.Find(property) is { } entry)
        {
            return entry.Key.Span;
        }

        return SourceSpan.FileStart;
    }
}
