using System.Globalization;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Runs;

namespace Dstack.Cli.Rendering;

/// <summary>The plan shown before a run starts: dstack's table (RUN … PRICE), then the settings that decide how it runs.</summary>
public static class PlanRenderer
{
    public static void Render(TextWriter output, RunPlan plan, string runName, bool color)
    {
        var spec = plan.Spec!;
        IReadOnlyList<IReadOnlyList<string>> rows = plan.Offer is { } offer
            ? [[runName, plan.ConfigurationDisplay, plan.User, plan.Project, offer.Instance, offer.Resources.ToString(), offer.Spot ? "yes" : "no", $"${offer.PricePerHour.ToString("0.####", CultureInfo.InvariantCulture)}"]]
            : [.. plan.HostOffers.Select((h, rank) => (IReadOnlyList<string>)[rank == 0 ? runName : string.Empty, rank == 0 ? plan.ConfigurationDisplay : string.Empty, rank == 0 ? plan.User : string.Empty, rank == 0 ? plan.Project : string.Empty, h.Instance, h.Resources.ToString(), "no", "$0"])];
        TextTable.Write(output, ["RUN", "CONFIGURATION", "USER", "PROJECT", "INSTANCE", "RESOURCES", "SPOT", "PRICE"], rows, color);
        output.WriteLine();
        var settings = new List<(string, string)>
        {
            ("Type", spec.Type),
            ("Backend", spec.OnSshHosts ? $"ssh ({string.Join(", ", spec.Hosts.Select(h => h.Name))})" : $"{LocalOffer.Backend} (this machine)"),
        };
        if (plan.ProfileName is { } profile)
        {
            settings.Add(("Profile", profile));
        }

        if (spec.Nodes > 1)
        {
            settings.Add(("Nodes", spec.OnSshHosts
                ? $"{spec.Nodes} jobs, one per host ({string.Join(", ", spec.Hosts.Select((h, rank) => $"rank {rank} on {h.Name}"))}), master {spec.NodeAddresses[0]}"
                : $"{spec.Nodes} jobs on this machine, ranks 0..{spec.Nodes - 1}, master 127.0.0.1"));
        }

        if (spec.Python is { } python && !spec.OnSshHosts)
        {
            settings.Add(("Python", $"{python} ({spec.PythonExecutable})"));
        }

        if (spec.Image is { } image)
        {
            settings.Add(("Image", $"{image} (Docker)"));
        }

        settings.Add(("GPUs", spec.OnSshHosts ? (spec.HostGpus.All(g => g.Count == 0) ? "none" : string.Join("; ", spec.Hosts.Select((h, rank) => $"{h.Name}: {string.Join(", ", spec.HostGpus[rank])}"))) : spec.HasMachineGpus ? (spec.Gpus.Count == 0 ? "none (CUDA_VISIBLE_DEVICES is empty)" : string.Join(", ", spec.Gpus)) : "none"));
        settings.Add(("Max duration", spec.MaxDuration is { } max ? new Duration(max).ToString() : "off"));
        settings.Add(("Stop duration", spec.StopDuration is { } stop ? new Duration(stop).ToString() : "off"));
        settings.Add(("Retry", spec.RetryOn.Count == 0 ? "no" : $"on {string.Join(", ", spec.RetryOn.Select(EventName))} for {new Duration(spec.RetryDuration)}"));
        if (plan.Ports.Count > 0)
        {
            settings.Add(("Ports", string.Join(", ", plan.Ports.Select(p => p.ToString())) + $" on {plan.Host}"));
        }

        if (spec.Env.Count > 0)
        {
            // Names only: values may be secrets.
            settings.Add(("Env", string.Join(", ", spec.Env.Select(e => e.Name))));
        }

        if (spec.RunArgs.Count > 0)
        {
            settings.Add(("Run args", ShellQuote.Join(spec.RunArgs)));
        }

        if (spec.Build.Count > 0)
        {
            settings.Add(("Build", $"{CountWords.Of(spec.Build.Count, "command")}, cached until they change{(spec.ForceBuild ? " (--force-build: rebuilding)" : string.Empty)}"));
        }

        if (spec.Reload)
        {
            settings.Add(("Reload", "edits in the folder reach the running job"));
        }

        var width = settings.Max(s => s.Item1.Length);
        foreach (var (name, value) in settings)
        {
            output.WriteLine($" {name.PadRight(width)}  {value}");
        }

        output.WriteLine();
    }

    private static string EventName(RetryEvent e) => e switch
    {
        RetryEvent.NoCapacity => "no-capacity",
        RetryEvent.Interruption => "interruption",
        _ => "error",
    };
}
