using System.Globalization;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Runs;

namespace Dstack.Cli.Rendering;

/// <summary>The plan shown before a run starts: dstack's table (RUN … PRICE), then the settings that decide how it runs.</summary>
public static class PlanRenderer
{
    /// <summary>How many offers the plan lists, as dstack's plan does; <c>dstack offer</c> lists them all.</summary>
    public const int ListedOffers = 3;

    /// <summary>How many lines of what was left out the plan shows (the closest first; dstack offer shows more).</summary>
    public const int LeftOutShown = 5;

    public static void Render(TextWriter output, RunPlan plan, string runName, bool color)
    {
        var spec = plan.Spec!;
        var machines = spec.Placements.Distinct().ToList();
        // A workflow run names its workflow where a task names its file (the pipelines docs' RUN  WORKFLOW columns).
        var what = spec.Workflow ?? plan.ConfigurationDisplay;
        IReadOnlyList<IReadOnlyList<string>> rows = [.. machines.Select((o, i) => (IReadOnlyList<string>)[i == 0 ? runName : string.Empty, i == 0 ? what : string.Empty, i == 0 ? plan.User : string.Empty, i == 0 ? plan.Project : string.Empty, o.ShownAs, o.Resources.ToString(), o.Spot ? "yes" : "no", Price(o.PricePerHour)])];
        TextTable.Write(output, ["RUN", spec.Workflow is null ? "CONFIGURATION" : "WORKFLOW", "USER", "PROJECT", "INSTANCE", "RESOURCES", "SPOT", "PRICE"], rows, color);
        output.WriteLine();
        var settings = new List<(string, string)>
        {
            ("Type", spec.Workflow is null ? spec.Type : $"workflow ({plan.ConfigurationDisplay}, {(spec.Image is null ? "bash" : "docker")} provider)"),
            ("Backend", MachinesOf(spec) is { Count: > 0 } named ? $"{spec.Backend} ({string.Join(", ", named)})" : $"{spec.Backend} (this machine)"),
        };
        if (plan.ProfileName is { } profile)
        {
            settings.Add(("Profile", profile));
        }

        if (spec.Nodes > 1)
        {
            settings.Add(("Nodes", machines.Count == 1
                ? $"{spec.Nodes} jobs on one machine ({machines[0].ShownAs}), ranks 0..{spec.Nodes - 1}"
                : $"{spec.Nodes} jobs, one per machine ({string.Join(", ", spec.Placements.Select((o, rank) => $"rank {rank} on {o.Instance}"))})"));
        }

        if (spec.Python is { } python && spec.Placements.Count > 0 && spec.Placements[0].Data.TryGetValue(Offer.PythonKey, out var executable))
        {
            settings.Add(("Python", $"{python} ({executable})"));
        }

        if (spec.Image is { } image)
        {
            settings.Add(("Image", plan.DefaultImage is { } fallback ? $"{image} (default image from {fallback.Source})" : $"{image} (Docker)"));
        }

        if (spec.Mounts.Count > 0)
        {
            settings.Add(("Volumes", string.Join(", ", spec.Mounts.Select(m => $"{m.HostPath} -> {m.ContainerPath}"))));
        }

        settings.Add(("GPUs", Gpus(machines)));
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

        if (spec.Artifacts.Count > 0)
        {
            settings.Add(("Artifacts", $"{string.Join(", ", spec.Artifacts)}, saved when the run ends"));
        }

        if (spec.Cache.Count > 0)
        {
            settings.Add(("Cache", $"{string.Join(", ", spec.Cache)}, restored before the commands, saved after"));
        }

        foreach (var dep in spec.Deps)
        {
            settings.Add(("Deps", $"{dep.Dep}: run {dep.RunName} ({(dep.Paths.Count == 0 ? "no artifacts" : string.Join(", ", dep.Paths))}), read-only"));
        }

        if (spec.Build.Count > 0)
        {
            settings.Add(("Build", spec.Image is null
                ? $"{CountWords.Of(spec.Build.Count, "command")}, cached until they change{(spec.ForceBuild ? " (--force-build: rebuilding)" : string.Empty)}"
                : $"{CountWords.Of(spec.Build.Count, "command")} in the image, kept as an image until they or the image change{(spec.ForceBuild ? " (--force-build: rebuilding)" : string.Empty)}"));
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
        RenderOffers(output, plan, color);
    }

    /// <summary>The best offers of every configured backend (the one taken first), and what was left out and why.</summary>
    private static void RenderOffers(TextWriter output, RunPlan plan, bool color)
    {
        if (plan.Offers is not { } search)
        {
            return;
        }

        var offers = search.Offers;
        if (offers.Count > 0 || search.LeftOut.Count > 0)
        {
            TextTable.Write(output, ["#", "BACKEND", "REGION", "INSTANCE", "RESOURCES", "SPOT", "PRICE"], [.. offers.Take(ListedOffers).Select((o, i) => (IReadOnlyList<string>)[(i + 1).ToString(CultureInfo.InvariantCulture), o.Backend, o.Region, o.Instance, o.Resources.ToString(), o.Spot ? "yes" : "no", Price(o.PricePerHour)])], color);
            if (offers.Count > ListedOffers)
            {
                output.WriteLine($" ... and {offers.Count - ListedOffers} more (dstack offer lists them all)");
            }

            foreach (var line in LeftOutLines.Of(search, LeftOutShown))
            {
                output.WriteLine(line);
            }

            output.WriteLine();
        }
    }

    /// <summary>The machines of the jobs, by rank, when the backend has more than one (this machine has none to name).</summary>
    private static IReadOnlyList<string> MachinesOf(RunSpec spec) => spec.Placements.All(p => p.Instance == p.Backend) ? [] : [.. spec.Placements.Select(p => p.Instance).Distinct()];

    private static string Gpus(IReadOnlyList<Offer> machines)
    {
        if (machines.All(m => m.Resources.Gpus.Count == 0))
        {
            return "none";
        }

        if (machines.Count == 1)
        {
            return machines[0].Gpus.Count == 0 ? "none (CUDA_VISIBLE_DEVICES is empty)" : string.Join(", ", machines[0].Gpus);
        }

        return string.Join("; ", machines.Select(m => $"{m.Instance}: {(m.Gpus.Count == 0 ? "none" : string.Join(", ", m.Gpus))}"));
    }

    private static string Price(decimal perHour) => $"${perHour.ToString("0.####", CultureInfo.InvariantCulture)}";

    private static string EventName(RetryEvent e) => e switch
    {
        RetryEvent.NoCapacity => "no-capacity",
        RetryEvent.Interruption => "interruption",
        _ => "error",
    };
}
