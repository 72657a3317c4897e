using System.Globalization;
using Dstack.Runtime.Configuration.Binding;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Resources;
using Dstack.Runtime.Yaml;

namespace Dstack.LanguageServer.Hover;

/// <summary>
/// What a bound value means, in words: resources above all, durations, ports, node counts and the enum values whose
/// meaning is not obvious. Null when the value says nothing beyond itself (a name, a command).
/// </summary>
public static class ValueWords
{
    private static readonly Dictionary<string, string> RunTypes = new(StringComparer.Ordinal)
    {
        ["task"] = "a task: commands that run to completion (training, batch jobs, web apps), on one or several nodes",
        ["dev-environment"] = "a dev environment: a machine prepared for interactive work, opened from your IDE",
        ["service"] = "a service: a long-running web app or model endpoint, published on a URL and scaled by replicas",
    };

    /// <summary>The meaning of <paramref name="value"/>, read from <paramref name="node"/> for <paramref name="property"/> (or for one item of it).</summary>
    public static string? Describe(PropertyDescriptor property, object? value, YamlNode node)
    {
        if (property.YamlName == "type" && property.Property.DeclaringType == typeof(RunConfiguration) && node is YamlScalar typeScalar)
        {
            return RunTypes.GetValueOrDefault(typeScalar.Value);
        }

        if (property.DurationForms is { } forms && node is YamlScalar { Kind: ScalarKind.Bool } flag && value is null)
        {
            return flag.TryGetBool(out var on) && on && forms.AllowBool ? $"the default ({property.DefaultText ?? "unset"})" : null;
        }

        var name = property.YamlName;
        return value switch
        {
            null => null,
            GpuSpec gpu => ResourceWords.Gpu(gpu),
            Range<int> count => name switch
            {
                "cpu" => ResourceWords.Count(count, "CPU core", "CPU cores"),
                "count" => ResourceWords.Count(count, "GPU", "GPUs"),
                "replicas" => ResourceWords.Count(count, "replica", "replicas"),
                _ => null,
            },
            Range<Memory> size => name switch
            {
                "memory" when property.Property.DeclaringType == typeof(ResourcesSpec) => $"{ResourceWords.Size(size)} of RAM",
                "memory" => $"{ResourceWords.Size(size)} of memory per GPU",
                "total_memory" => $"{ResourceWords.Size(size)} of GPU memory in total",
                "size" => $"{ResourceWords.Size(size)} of disk",
                _ => ResourceWords.Size(size),
            },
            DiskSpec disk => $"{ResourceWords.Size(disk.Size)} of disk",
            Memory memory => name == "shm_size" ? $"{memory} of shared memory (/dev/shm)" : memory.ToString(),
            ComputeCapability cc => $"compute capability {cc} or higher (NVIDIA only)",
            Duration duration => Words(duration, name),
            PortMapping port => Words(port, name),
            int nodes when name == "nodes" => nodes == 1
                ? "1 node: the task runs on a single machine"
                : $"{nodes.ToString(CultureInfo.InvariantCulture)} nodes: the commands run on each, as one cluster (DSTACK_NODE_RANK 0 to {(nodes - 1).ToString(CultureInfo.InvariantCulture)})",
            SpotPolicy policy => policy switch
            {
                SpotPolicy.Spot => "spot: only spot instances, which are cheaper but can be interrupted at any time",
                SpotPolicy.OnDemand => "on-demand: only on-demand instances, which are not interrupted",
                _ => "auto: spot or on-demand instances, whichever offer is cheapest first; a spot instance can be interrupted",
            },
            CreationPolicy creation => creation == CreationPolicy.Reuse
                ? "reuse: run only on idle instances that already exist; never create one"
                : "reuse-or-create: use an idle instance if there is one, else create a new one",
            RetrySpec retry => retry.IsEnabled
                ? $"retry after {string.Join(", ", retry.OnEvents.Select(e => EnumName(e)))} for up to {(retry.Duration is { } d ? Words(d, "duration") : "1 hour")}"
                : "no retries",
            _ when property.IsPythonVersion && value is string python => $"Python {python}",
            Enum described when EnumDescriptions.Of(described) is { } meaning => $"{EnumName(described)}: {meaning}",
            _ => null,
        };
    }

    /// <summary>"2 hours", "1 hour 30 minutes", "off".</summary>
    public static string Words(Duration duration, string property)
    {
        if (duration.Seconds is not { } seconds)
        {
            return property switch
            {
                "max_duration" => "off: no time limit",
                "stop_duration" => "off: wait for the run to stop, however long it takes",
                "idle_duration" => "off: keep the instance after the run",
                _ => "off",
            };
        }

        if (seconds == 0)
        {
            return "0 seconds";
        }

        var parts = new List<string>();
        foreach (var (size, unit) in new[] { (604800L, "week"), (86400L, "day"), (3600L, "hour"), (60L, "minute"), (1L, "second") })
        {
            var amount = seconds / size;
            seconds %= size;
            if (amount > 0)
            {
                parts.Add($"{amount.ToString(CultureInfo.InvariantCulture)} {unit}{(amount == 1 ? string.Empty : "s")}");
            }
        }

        return string.Join(" ", parts);
    }

    private static string Words(PortMapping port, string property) => (port.LocalPort, property) switch
    {
        (_, "port") => $"the service listens on port {port.ContainerPort}",
        (null, _) => $"container port {port.ContainerPort} on any free local port",
        ({ } local, _) => $"container port {port.ContainerPort} on local port {local}",
    };

    private static string EnumName(Enum e) => ModelBinder.EnumNames(e.GetType()).First(n => Equals(n.Value, e)).Name;
}
