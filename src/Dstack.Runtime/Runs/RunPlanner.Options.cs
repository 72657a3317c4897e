using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Binding;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Runs;

/// <summary>Command-line options applied over the configuration and profile; the script.</summary>
public static partial class RunPlanner
{
    /// <summary>Container ports 10000 to 10999 belong to dstack's runner on a VM; dstack drops them silently, we say so.</summary>
    private const int ReservedFrom = 10000;
    private const int ReservedTo = 10999;

    private static Profile ApplyOptions(Profile profile, RunOverrides overrides, List<Diagnostic> diagnostics)
    {
        if (overrides.MaxDuration is { } maxDuration && Parse("--max-duration", maxDuration, () => ModelBinder.ParseDuration(maxDuration, allowOff: true), diagnostics) is { } duration)
        {
            profile = profile with { MaxDuration = duration };
        }

        if (overrides.Retry is { } retry)
        {
            profile = profile with { Retry = retry ? RetrySpec.AllEvents : RetrySpec.Disabled };
        }

        if (overrides.RetryDuration is { } retryDuration && Parse("--retry-duration", retryDuration, () => ModelBinder.ParseDuration(retryDuration, allowOff: false), diagnostics) is { } window)
        {
            profile = profile with { Retry = (profile.Retry is { IsEnabled: true } current ? current : RetrySpec.AllEvents) with { Duration = window } };
        }

        if (overrides.SpotPolicy is { } spot)
        {
            var policy = ModelBinder.EnumNames(typeof(SpotPolicy)).FirstOrDefault(n => n.Name == spot);
            if (policy.Value is SpotPolicy value)
            {
                profile = profile with { SpotPolicy = value };
            }
            else
            {
                diagnostics.Add(CommandLineError(DiagnosticCodes.InvalidOption, $"--spot-policy {spot}: write spot, on-demand or auto"));
            }
        }

        if (overrides.MaxPrice is { } price)
        {
            if (price > 0 && double.IsFinite(price))
            {
                profile = profile with { MaxPrice = price };
            }
            else
            {
                diagnostics.Add(CommandLineError(DiagnosticCodes.InvalidOption, $"--max-price {price}: the price per hour must be above 0, such as 1.5"));
            }
        }

        if (overrides.Backends.Count > 0)
        {
            var names = ModelBinder.EnumNames(typeof(BackendType));
            var backends = new List<BackendType>();
            foreach (var backend in overrides.Backends)
            {
                if (names.FirstOrDefault(n => n.Name == backend.Trim().ToLowerInvariant()).Value is BackendType type)
                {
                    backends.Add(type);
                }
                else
                {
                    var hint = DidYouMean.Find(backend, names.Select(n => n.Name)) is { } best ? $"did you mean {best}? " : string.Empty;
                    diagnostics.Add(CommandLineError(DiagnosticCodes.InvalidOption, $"-b {backend}: not a backend; {hint}backends: {string.Join(", ", names.Select(n => n.Name))}"));
                }
            }

            profile = profile with { Backends = backends };
        }

        if (overrides.Regions.Count > 0)
        {
            profile = profile with { Regions = overrides.Regions };
        }

        if (overrides.InstanceTypes.Count > 0)
        {
            profile = profile with { InstanceTypes = overrides.InstanceTypes };
        }

        return profile;
    }

    private static ResourcesSpec ApplyResourceOptions(ResourcesSpec resources, RunOverrides overrides, List<Diagnostic> diagnostics)
    {
        // --gpu replaces the whole gpu spec (dstack 0.18.7, #1455): merging made `gpu: 24GB` + `--gpu H100` unsatisfiable.
        if (overrides.Gpu is { } gpu && Parse("--gpu", gpu, () => GpuSpecParser.Parse(gpu), diagnostics) is { } spec)
        {
            resources = resources with { Gpu = spec };
        }

        if (overrides.Disk is { } disk && Parse("--disk", disk, () => RangeParser.ParseMemory(disk), diagnostics) is { } size)
        {
            resources = resources with { Disk = new DiskSpec { Size = size } };
        }

        return resources;
    }

    private static T? Parse<T>(string option, string value, Func<T> parse, List<Diagnostic> diagnostics)
    {
        try
        {
            return parse();
        }
        catch (ValueException e)
        {
            diagnostics.Add(CommandLineError(DiagnosticCodes.InvalidOption, $"{option} {value}: {e.Message}"));
            return default;
        }
    }

    /// <summary>
    /// dstack's merge (reference §7): container ports unique within the file and within the flags, flags replace the
    /// file's entry for the same container port, then local ports must be unique.
    /// </summary>
    private static IReadOnlyList<PortMapping> MergePorts(RunConfiguration configuration, RunOverrides overrides, string display, List<Diagnostic> diagnostics)
    {
        var fromFile = configuration switch
        {
            TaskConfiguration task => task.Ports,
            DevEnvironmentConfiguration dev => dev.Ports,
            ServiceConfiguration { Port: { } port } => [port],
            _ => [],
        };
        var merged = fromFile.ToList();
        var flagged = new HashSet<int>();
        foreach (var text in overrides.Ports)
        {
            PortMapping mapping;
            try
            {
                mapping = ModelBinder.ParsePortMapping(text);
            }
            catch (ValueException e)
            {
                diagnostics.Add(CommandLineError(DiagnosticCodes.InvalidOption, $"-p {text}: {e.Message}"));
                continue;
            }

            if (!flagged.Add(mapping.ContainerPort))
            {
                diagnostics.Add(CommandLineError(DiagnosticCodes.PortConflict, $"-p {text}: container port {mapping.ContainerPort} is mapped twice on the command line; give each container port one -p"));
                continue;
            }

            merged.RemoveAll(p => p.ContainerPort == mapping.ContainerPort);
            merged.Add(mapping);
        }

        // Validation already warned about these (DSTK2032); a -p flag in the range gets its warning here.
        foreach (var reserved in merged.Where(p => p.ContainerPort is >= ReservedFrom and <= ReservedTo).ToList())
        {
            if (!fromFile.Contains(reserved))
            {
                diagnostics.Add(CommandLineWarning(DiagnosticCodes.ReservedPort, $"-p {reserved}: container ports {ReservedFrom} to {ReservedTo} are reserved by dstack's runner, so this port is not forwarded; use another port"));
            }

            merged.Remove(reserved);
        }

        foreach (var group in merged.Where(p => p.LocalPort is not null).GroupBy(p => p.LocalPort).Where(g => g.Count() > 1))
        {
            diagnostics.Add(CommandLineError(DiagnosticCodes.PortConflict, $"local port {group.Key} is used by {string.Join(" and ", group)}; give each mapping its own local port (or \"*:PORT\" for any free one)"));
        }

        return merged;
    }

    private static Diagnostic CommandLineWarning(string code, string message) => new(code, DiagnosticSeverity.Warning, message, SourceSpan.FileStart, null);

    /// <summary>
    /// <c>registry_auth</c> with its <c>${{ env.NAME }}</c> references replaced by the job's variables; null without
    /// it. A reference to a variable that has no value is an error at the field.
    /// </summary>
    private static Containers.RegistryCredentials? RegistryOf(RunConfiguration configuration, IReadOnlyList<KeyValuePair<string, string>> variables, List<Diagnostic> diagnostics, string display, ConfigurationDocument document)
    {
        if (configuration.RegistryAuth is not { } auth)
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in variables)
        {
            values[$"env.{name}"] = value;
        }

        string? Resolve(string text, string field)
        {
            try
            {
                return Configuration.Rules.Interpolation.Substitute(text, values);
            }
            catch (ValueException e)
            {
                var span = document.SourceMap?.ValueSpan(auth, field) ?? SourceSpan.FileStart;
                diagnostics.Add(new Diagnostic(DiagnosticCodes.InvalidRegistryAuth, DiagnosticSeverity.Error, $"registry_auth.{field}: {e.Message}; pass the value with -e NAME=VALUE or set it in the environment", span, display));
                return null;
            }
        }

        var username = Resolve(auth.Username, "username");
        var password = Resolve(auth.Password, "password");
        return username is null || password is null ? null : new Containers.RegistryCredentials(username, password);
    }

    private static string ScriptOf(RunConfiguration configuration, string? image, IReadOnlyList<string> runArgs, List<Diagnostic> diagnostics, string display)
    {
        IReadOnlyList<string> commands = configuration switch
        {
            TaskConfiguration task => task.Commands,
            ServiceConfiguration service => service.Commands,
            DevEnvironmentConfiguration dev => dev.Setup,
            _ => [],
        };

        // A dev environment: setup, then init as written (dstack substitutes no references there), then the ready line
        // (the controller waits for it to publish the IDE link and `ssh RUN`), then it stays up until it ends.
        IReadOnlyList<string> verbatim = configuration is DevEnvironmentConfiguration environment
            ? [.. environment.Init, DevEnvironments.ReadyLine.Command, "exec tail -f /dev/null"]
            : [];
        try
        {
            var script = JobScript.Build(commands, runArgs, verbatim);
            if (configuration.Entrypoint is { } entrypoint && image is null)
            {
                script = $"{entrypoint} {ShellQuote.Join(commands)}";
            }

            return script;
        }
        catch (ValueException e)
        {
            diagnostics.Add(new Diagnostic(e.Issue.Code, DiagnosticSeverity.Error, e.Message, SourceSpan.FileStart, display));
            return string.Empty;
        }
    }

    private static string ShellOf(RunConfiguration configuration) => configuration.Shell switch
    {
        null or "bash" => "/bin/bash",
        "sh" => "/bin/sh",
        { } path => path,
    };
}
