using System.Globalization;
using System.Text;
using Dstack.Runtime.Resources;
using FsCheck;
using FsCheck.Fluent;

namespace Dstack.Runtime.Tests.Properties;

/// <summary>A generated run configuration: its YAML text and the resource values written into it.</summary>
internal sealed record GeneratedConfiguration(string Text, Range<int> Cpu, Range<Memory> Memory, GpuSpec? Gpu)
{
    public override string ToString() => Text;
}

/// <summary>
/// Builds whole valid run configurations (task, service, dev-environment) from generated parts, in the styles
/// people write: block and flow lists, list and mapping env, quoted and plain values.
/// </summary>
internal static class ConfigurationGenerators
{
    private static readonly string[] Commands =
    [
        "pip install -r requirements.txt", "python train.py --epochs 3", "python serve.py --port 8000",
        "echo \"hello world\"", "nvidia-smi", "./run.sh ${{ run.args }}", "torchrun --nproc_per_node=$DSTACK_GPUS_PER_NODE train.py",
        "export A=1 && echo $A",
    ];

    // Declared first: static initializers run in text order.
    private static Gen<string> RunName { get; } =
        from first in Gen.Elements("abcdefghijklmnopqrstuvwxyz".ToCharArray())
        from rest in Gen.NonEmptyListOf(Gen.Elements("abcdefghijklmnopqrstuvwxyz0123456789-".ToCharArray()))
        select first + new string([.. rest.Take(40)]);

    private static Gen<string> EnvName { get; } =
        from first in Gen.Elements("ABCDEFGHIJKLMNOPQRSTUVWXYZ_".ToCharArray())
        from rest in Gen.ListOf(Gen.Elements("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_".ToCharArray()))
        select first + new string([.. rest.Take(20)]);

    public static Gen<GeneratedConfiguration> RunConfiguration { get; } =
        from type in Gen.Elements("task", "service", "dev-environment")
        from name in Gen.OneOf(Gen.Constant<string?>(null), RunName.Select(n => (string?)n))
        from useImage in Gen.Elements(true, false)
        from python in Gen.Elements("3.9", "3.10", "3.11", "3.12", "3.13")
        from env in Gen.ListOf(EnvName).Select(n => n.Distinct().Take(5).ToArray())
        from envAsMapping in Gen.Elements(true, false)
        from commands in Gen.NonEmptyListOf(Gen.Elements(Commands)).Select(c => c.Take(4).ToArray())
        from ports in Gen.ListOf(Gen.Choose(1, 65_535)).Select(p => p.Where(x => x is < 10_000 or > 10_999).Distinct().Take(4).ToArray())
        from cpu in ResourceGenerators.CountRange
        from memory in ResourceGenerators.MemoryRange
        from gpu in Gen.OneOf(Gen.Constant<GpuSpec?>(null), ResourceGenerators.GpuSpec.Where(g => g.ToSpecString() is not null).Select(g => (GpuSpec?)g))
        from disk in ResourceGenerators.MemoryRange
        from quote in Gen.Elements(true, false)
        from spot in Gen.Elements("spot", "on-demand", "auto")
        from duration in Gen.Elements("off", "2h", "90", "30m", "1d")
        from price in Gen.Choose(1, 10_000).Select(p => p / 100.0)
        select Build(type, name, useImage, python, env, envAsMapping, commands, ports, cpu, memory, gpu, disk, quote, spot, duration, price);

    public static Gen<string> RunConfigurationText { get; } = RunConfiguration.Select(c => c.Text);

    private static GeneratedConfiguration Build(
        string type, string? name, bool useImage, string python, string[] env, bool envAsMapping, string[] commands, int[] ports,
        Range<int> cpu, Range<Memory> memory, GpuSpec? gpu, Range<Memory> disk, bool quote, string spot, string duration, double price)
    {
        // AMD GPUs need an image (dstack's base image is CUDA only): an AMD vendor, or any AMD name.
        useImage |= gpu is not null && (gpu.Vendor == GpuVendor.Amd || gpu.Name?.Any(n => GpuCatalog.Find(n)?.Vendor == GpuVendor.Amd) == true);
        var text = new StringBuilder();
        text.Append("type: ").Append(type).Append('\n');
        if (name is not null)
        {
            text.Append("name: ").Append(name).Append('\n');
        }

        text.Append(useImage ? "image: ghcr.io/example/app:latest\n" : $"python: \"{python}\"\n");
        if (env.Length > 0)
        {
            text.Append("env:\n");
            for (var i = 0; i < env.Length; i++)
            {
                text.Append(envAsMapping ? $"  {env[i]}: {(i % 2 == 0 ? "null" : "value" + i)}\n" : $"  - {env[i]}{(i % 2 == 0 ? string.Empty : "=value" + i)}\n");
            }
        }

        if (type == "dev-environment")
        {
            text.Append("ide: vscode\n");
            text.Append("init:\n").Append(string.Concat(commands.Select(c => $"  - {c}\n")));
        }
        else
        {
            text.Append("commands:\n").Append(string.Concat(commands.Select(c => $"  - {c}\n")));
        }

        if (type == "service")
        {
            text.Append("port: ").Append(ports.Length > 0 ? ports[0] : 8000).Append('\n');
        }
        else if (ports.Length > 0)
        {
            text.Append("ports: [").Append(string.Join(", ", ports)).Append("]\n");
        }

        text.Append("resources:\n");
        text.Append("  cpu: ").Append(Scalar(cpu.ToString(), quote)).Append('\n');
        text.Append("  memory: ").Append(Scalar(memory.ToString(), quote)).Append('\n');
        if (gpu?.ToSpecString() is { } spec)
        {
            text.Append("  gpu: ").Append(Scalar(spec, quote)).Append('\n');
        }

        text.Append("  disk: ").Append(Scalar(disk.ToString(), !quote)).Append('\n');
        text.Append("spot_policy: ").Append(spot).Append('\n');
        text.Append("max_duration: ").Append(duration).Append('\n');
        text.Append("max_price: ").Append(price.ToString(CultureInfo.InvariantCulture)).Append('\n');
        return new GeneratedConfiguration(text.ToString(), cpu, memory, gpu);
    }

    private static string Scalar(string value, bool quote) => quote ? $"\"{value}\"" : value;
}
