using System.Globalization;
using Dstack.Runtime.Configuration.Binding;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Names;
using Dstack.Runtime.Resources;
using Dstack.Runtime.Yaml;

namespace Dstack.Runtime.Configuration.Rules;

/// <summary>The rules that look at more than one value: they run after binding, with the source map for positions.</summary>
public sealed class ConfigurationRules
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyCollection<string>> CommandVariables =
        new Dictionary<string, IReadOnlyCollection<string>> { ["run"] = ["args"] };

    private readonly SourceMap _map;
    private readonly DiagnosticBag _diagnostics;

    private ConfigurationRules(SourceMap map, DiagnosticBag diagnostics)
    {
        _map = map;
        _diagnostics = diagnostics;
    }

    public static void Check(object model, SourceMap map, DiagnosticBag diagnostics)
    {
        var rules = new ConfigurationRules(map, diagnostics);
        switch (model)
        {
            case RunConfiguration run:
                rules.CheckRun(run);
                break;
            case ProfilesFile profiles:
                rules.CheckProfiles(profiles);
                break;
            case WorkflowsFile workflows:
                rules.CheckWorkflows(workflows);
                break;
        }
    }

    private void CheckRun(RunConfiguration run)
    {
        CheckProfileParameters(run);
        if (run.Name is { } name && !NameRule.Run.Accepts(name))
        {
            Error(DiagnosticCodes.InvalidName, _map.ValueSpan(run, "name"), $"name: Resource name should match regex '{NameRule.Run.Regex}' (`{name}`): {NameRule.Run.Words}; {NameRule.Run.Fix(name)}");
        }

        if (run.Image is not null && run.Python is not null)
        {
            Error(DiagnosticCodes.ImageAndPython, _map.KeySpan(run, "python"), "`image` and `python` are mutually exclusive fields; remove `python` (the image brings its own Python) or remove `image` to use dstack's base image");
        }

        if (run.User is { } user)
        {
            CheckUser(run, user);
        }

        if (run.WorkingDir is { } dir)
        {
            CheckWorkingDir(run, dir);
        }

        if (run.Shell is { } shell && shell is not ("sh" or "bash") && !shell.StartsWith('/'))
        {
            Error(DiagnosticCodes.InvalidShell, _map.ValueSpan(run, "shell"), $"shell: `{shell}` is not a shell dstack can run; write sh, bash, or an absolute path such as /usr/bin/zsh");
        }

        if (run.Priority is { } priority and (< 0 or > 100))
        {
            Error(DiagnosticCodes.InvalidPriority, _map.ValueSpan(run, "priority"), $"priority: {priority} is outside 0 to 100; write a whole number from 0 (lowest, the default) to 100");
        }

        if (run.RegistryAuth is { } auth)
        {
            CheckRegistryAuth(run, auth);
        }

        CheckGpuVendor(run);
        var (commands, ports) = run switch
        {
            TaskConfiguration t => (t.Commands, t.Ports),
            ServiceConfiguration s => (s.Commands, s.Port is { } p ? [p] : (IReadOnlyList<PortMapping>)[]),
            DevEnvironmentConfiguration d => (d.Init, d.Ports),
            _ => ([], []),
        };
        if (run is TaskConfiguration or ServiceConfiguration && commands.Count == 0 && run.Image is null &&
            _map.EntryOf(run, "commands")?.Value is null or YamlSequence)
        {
            Error(DiagnosticCodes.NothingToRun, _map.ValueSpan(run, "type"), $"Either `commands` or `image` must be set; add `commands:` with what to run{(run is TaskConfiguration ? ", such as `- python train.py`" : string.Empty)}");
        }

        // dstack substitutes references in `commands` and `setup` only; a dev environment's `init` runs as written.
        if (run is not DevEnvironmentConfiguration)
        {
            CheckCommands(run, "commands", commands);
        }

        CheckCommands(run, "setup", run.Setup);
        if (run is TaskConfiguration task)
        {
            CheckCommands(run, "build", task.Build);
            if (task.Nodes < 1)
            {
                Error(DiagnosticCodes.InvalidNodes, _map.ValueSpan(run, "nodes"), $"nodes: ensure this value is greater than or equal to 1 (found {task.Nodes}); a task runs on 1 node or more");
            }
        }

        CheckPorts(run, run is ServiceConfiguration ? "port" : "ports", ports);
        if (run is ServiceConfiguration service)
        {
            CheckService(service);
        }
    }

    private void CheckProfileParameters(ProfileParameters parameters)
    {
        if (parameters.MaxPrice is { } price && price <= 0)
        {
            Error(DiagnosticCodes.InvalidPrice, _map.ValueSpan(parameters, "max_price"), $"max_price: ensure this value is greater than 0 (found {price.ToString(CultureInfo.InvariantCulture)}); give a price in dollars per hour, such as 1.5");
        }

        if (parameters.UtilizationPolicy is { } utilization)
        {
            if (utilization.MinGpuUtilization is < 0 or > 100)
            {
                Error(DiagnosticCodes.InvalidRange, _map.ValueSpan(utilization, "min_gpu_utilization"), $"utilization_policy.min_gpu_utilization: {utilization.MinGpuUtilization} is not a percentage; write 0 to 100");
            }

            if (utilization.TimeWindow is { Seconds: < 300 } window)
            {
                Error(DiagnosticCodes.InvalidDuration, _map.ValueSpan(utilization, "time_window"), $"utilization_policy.time_window: {window} is too short; the window is at least 5m");
            }
        }

        if (parameters.Retry is not null && parameters.RetryPolicy is not null)
        {
            Warning(DiagnosticCodes.DeprecatedProperty, _map.KeySpan(parameters, "retry_policy"), "`retry_policy` is ignored because `retry` is set; remove `retry_policy`");
        }
    }

    private void CheckUser(RunConfiguration run, string user)
    {
        var parts = user.Split(':');
        string? problem = parts.Length switch
        {
            > 2 => "invalid user format: too many parts",
            _ when parts[0].Length == 0 => "empty user name or id",
            2 when parts[1].Length == 0 => "empty group name or id",
            _ when parts[0].StartsWith('-') && long.TryParse(parts[0], out var uid) => $"negative uid {uid}",
            2 when parts[1].StartsWith('-') && long.TryParse(parts[1], out var gid) => $"negative gid {gid}",
            _ => null,
        };
        if (problem is not null)
        {
            Error(DiagnosticCodes.InvalidUser, _map.ValueSpan(run, "user"), $"user: {problem} (`{user}`); write USER or USER:GROUP, by name or numeric id, such as `ubuntu` or `1000:1000`");
        }
    }

    private void CheckWorkingDir(RunConfiguration run, string dir)
    {
        // dstack 0.19 allows absolute paths; a relative one must stay inside the repository.
        if (dir.StartsWith('/'))
        {
            return;
        }

        var depth = 0;
        foreach (var segment in dir.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            depth += segment switch
            {
                ".." => -1,
                "." => 0,
                _ => 1,
            };
            if (depth < 0)
            {
                Error(DiagnosticCodes.InvalidWorkingDir, _map.ValueSpan(run, "working_dir"), $"working_dir: path is outside of the root directory (`{dir}`); a relative working directory must stay inside the repository");
                return;
            }
        }
    }

    private void CheckRegistryAuth(RunConfiguration run, RegistryAuth auth)
    {
        if (auth.Password.Length > 0 && !auth.Password.Contains("${{", StringComparison.Ordinal))
        {
            Warning(DiagnosticCodes.InvalidRegistryAuth, _map.ValueSpan(auth, "password"), "registry_auth.password is written in the file, where everyone with the repository can read it; write `${{ env.REGISTRY_PASSWORD }}`, add `- REGISTRY_PASSWORD` to `env`, and pass it with -e or the environment");
        }

        var env = new Dictionary<string, IReadOnlyCollection<string>> { ["env"] = [.. run.Env.Select(v => v.Name)] };
        foreach (var (field, value) in new[] { ("username", auth.Username), ("password", auth.Password) })
        {
            var node = _map.EntryOf(auth, field)?.Value as YamlScalar;
            foreach (var issue in Interpolation.Check(value, env, "add the variable to `env` (a bare `- NAME` makes it required at run time)"))
            {
                Report(issue, node, _map.ValueSpan(auth, field), $"registry_auth.{field}");
            }
        }
    }

    private void CheckGpuVendor(RunConfiguration run)
    {
        if (run.Resources.Gpu is not { } gpu || gpu.Count.Max == 0 || run.Image is not null)
        {
            return;
        }

        var names = gpu.Name ?? [];
        var amd = gpu.Vendor == GpuVendor.Amd || (gpu.Vendor is null && names.Any(n => GpuCatalog.Find(n)?.Vendor == GpuVendor.Amd));
        if (amd)
        {
            var span = _map.EntryOf(run.Resources, "gpu")?.Value.Span ?? _map.ValueSpan(run, "resources");
            Error(DiagnosticCodes.InvalidGpuVendor, span, "`image` is required if `resources.gpu.vendor` is AMD. dstack's base image is built for NVIDIA CUDA: set `image`, such as rocm/pytorch:latest");
        }
    }

    private void CheckCommands(RunConfiguration run, string property, IReadOnlyList<string> commands)
    {
        if (commands.Count == 0 || _map.EntryOf(run, property)?.Value is not YamlSequence sequence)
        {
            return;
        }

        for (var i = 0; i < commands.Count && i < sequence.Items.Count; i++)
        {
            foreach (var issue in Interpolation.Check(commands[i], CommandVariables, "in commands only `${{ run.args }}` is available; read environment variables with the shell, such as $NAME"))
            {
                Report(issue, sequence.Items[i] as YamlScalar, sequence.Items[i].Span, $"{property}[{i}]");
            }
        }
    }

    private void CheckPorts(RunConfiguration run, string property, IReadOnlyList<PortMapping> ports)
    {
        var containers = new HashSet<int>();
        var locals = new HashSet<int>();
        foreach (var port in ports)
        {
            var span = _map.NodeOf(port)?.Span ?? _map.ValueSpan(run, property);
            if (!containers.Add(port.ContainerPort))
            {
                Error(DiagnosticCodes.DuplicatePort, span, $"{property}: container port {port.ContainerPort} is mapped twice; container ports must be unique: remove one mapping");
            }
            else if (port.LocalPort is { } local && !locals.Add(local))
            {
                Error(DiagnosticCodes.DuplicatePort, span, $"{property}: Port {local} is already in use by another mapping in this file; pick another local port, such as \"{local + 1}:{port.ContainerPort}\" or \"*:{port.ContainerPort}\"");
            }

            if (port.ContainerPort is >= 10000 and <= 10999)
            {
                Warning(DiagnosticCodes.ReservedPort, span, $"{property}: container port {port.ContainerPort} is in 10000-10999, which the dstack runner reserves; dstack drops it silently, this project refuses to forward it: use another port");
            }
        }
    }

    private void CheckService(ServiceConfiguration service)
    {
        var replicas = service.Replicas;
        var span = _map.ValueSpan(service, "replicas");
        if (replicas.Max is null)
        {
            Error(DiagnosticCodes.InvalidService, span, $"replicas: The maximum number of replicas is required (`{replicas}`); write a range with an upper bound, such as 0..4");
        }

        if (replicas.Min is null && replicas.Max is { } most)
        {
            Error(DiagnosticCodes.InvalidService, span, $"replicas: The minimum number of replicas is required (`{replicas}`; dstack 0.18 fails on a range without one); write 0..{most}");
        }

        if (service.Scaling is { Target: <= 0 } scaling)
        {
            Error(DiagnosticCodes.InvalidService, _map.ValueSpan(scaling, "target"), $"scaling.target: ensure this value is greater than 0 (found {scaling.Target.ToString(CultureInfo.InvariantCulture)}); give the requests per second one replica should handle, such as 10");
        }

        var isRange = replicas.Min != replicas.Max;
        if (isRange && service.Scaling is null && replicas.Max is not null && replicas.Min is not null)
        {
            Error(DiagnosticCodes.InvalidService, span, "When you set `replicas` to a range, ensure to specify `scaling`. Add `scaling: {metric: rps, target: 10}`");
        }

        if (!isRange && service.Scaling is not null)
        {
            Error(DiagnosticCodes.InvalidService, _map.KeySpan(service, "scaling"), "To use `scaling`, `replicas` must be set to a range. Write, for example, `replicas: 1..4`, or remove `scaling`");
        }

        if (service.Model is TgiChatModel { ChatTemplate: not null } tgi && Services.ModelRoute.Validate(tgi) is { } template)
        {
            Error(DiagnosticCodes.InvalidChatTemplate, _map.ValueSpan(tgi, "chat_template"), $"model.{template}; fix the template (Jinja: {{% ... %}} statements, {{{{ ... }}}} expressions), or remove chat_template to use the default");
        }
    }

    private void CheckProfiles(ProfilesFile file)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Profile? firstDefault = null;
        foreach (var profile in file.Profiles)
        {
            CheckProfileParameters(profile);
            if (!seen.Add(profile.Name))
            {
                Warning(DiagnosticCodes.InvalidProfile, _map.ValueSpan(profile, "name"), $"profiles: `{profile.Name}` is defined twice; --profile {profile.Name} uses the first one: rename or remove this one");
            }

            if (profile.Default)
            {
                if (firstDefault is not null)
                {
                    Warning(DiagnosticCodes.InvalidProfile, _map.ValueSpan(profile, "default"), $"profiles: `{firstDefault.Name}` is already the default; only the first `default: true` profile is used");
                }

                firstDefault ??= profile;
            }
        }
    }

    private void CheckWorkflows(WorkflowsFile file)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var workflow in file.Workflows)
        {
            if (workflow.Name.Length > 0 && NameRule.Workflow.Problem(workflow.Name) is { } problem)
            {
                Error(DiagnosticCodes.InvalidWorkflow, _map.ValueSpan(workflow, "name"), $"workflows: {problem}");
            }

            if (!seen.Add(workflow.Name))
            {
                Error(DiagnosticCodes.InvalidWorkflow, _map.ValueSpan(workflow, "name"), $"workflows: `{workflow.Name}` is defined twice; workflow names must be unique");
            }

            if (workflow.Provider == WorkflowProvider.Docker && workflow.Image is null)
            {
                Error(DiagnosticCodes.InvalidWorkflow, _map.ValueSpan(workflow, "provider"), $"workflow `{workflow.Name}`: the docker provider needs `image`; add, for example, `image: ubuntu:22.04`");
            }

            if (workflow.Provider == WorkflowProvider.Bash && workflow.Commands.Count == 0)
            {
                Error(DiagnosticCodes.NothingToRun, _map.ValueSpan(workflow, "name"), $"workflow `{workflow.Name}`: the bash provider needs `commands`");
            }

            foreach (var dep in workflow.Deps)
            {
                var span = _map.NodeOf(dep)?.Span ?? _map.ValueSpan(workflow, "deps");
                if ((dep.Workflow is null) == (dep.Tag is null))
                {
                    Error(DiagnosticCodes.InvalidWorkflow, span, $"workflow `{workflow.Name}`: each of `deps` names either a workflow or a tag: write `- workflow: NAME` or `- tag: TAG`");
                }
                else if (dep.Workflow == workflow.Name)
                {
                    Error(DiagnosticCodes.WorkflowCycle, _map.ValueSpan(dep, "workflow"), $"workflow `{workflow.Name}` depends on itself; remove this entry of `deps`");
                }
            }

            foreach (var (list, key) in new[] { (workflow.Artifacts, "artifacts"), (workflow.Cache, "cache") })
            {
                foreach (var entry in list.Where(e => e.Path.Length > 0 && Pipelines.WorkflowPathRule.Problem(e.Path) is not null))
                {
                    Error(DiagnosticCodes.InvalidWorkflow, _map.ValueSpan(entry, "path"), $"workflow `{workflow.Name}`: {key}: {Pipelines.WorkflowPathRule.Problem(entry.Path)}");
                }
            }
        }
    }

    private void Report(ValueIssue issue, YamlScalar? scalar, SourceSpan fallback, string path)
    {
        var span = scalar is not null && issue.Offset >= 0 ? scalar.SpanOf(issue.Offset, issue.Length) : fallback;
        _diagnostics.Add(issue.Code, issue.Severity, span, $"{path}: {issue.Message}");
    }

    private void Error(string code, SourceSpan span, string message) => _diagnostics.Error(code, span, message);

    private void Warning(string code, SourceSpan span, string message) => _diagnostics.Warning(code, span, message);
}
