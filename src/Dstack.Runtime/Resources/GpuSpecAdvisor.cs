using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Resources;

/// <summary>
/// Checks a parsed GPU spec against the <see cref="GpuCatalog"/>: unknown names get "did you mean", and a spec
/// no known GPU can satisfy gets a warning that says why. Neither stops a run: backends may know more GPUs.
/// </summary>
public static class GpuSpecAdvisor
{
    /// <summary>The largest GPU count one machine is assumed to offer when checking <c>total_memory</c>.</summary>
    private const int MaxCountPerMachine = 8;

    /// <summary>The warnings for <paramref name="spec"/>; given the <paramref name="text"/> it was read from, an unknown name with a near match also gets the fix that renames it there.</summary>
    public static IEnumerable<ValueIssue> Check(GpuSpec spec, string? text = null)
    {
        var unknown = new List<string>();
        foreach (var name in spec.Name ?? [])
        {
            if (GpuCatalog.Find(name) is not null)
            {
                continue;
            }

            unknown.Add(name);
            var guess = DidYouMean.Find(name, GpuCatalog.SpecNames);
            var hint = guess is null ? "check the spelling; known names include A100, H100, L4, RTX4090, MI300X, v5p-8" : $"did you mean {guess}?";
            yield return Warning(DiagnosticCodes.UnknownGpuName, $"unknown GPU name `{name}`: {hint}") with
            {
                Fix = guess is not null && text is not null && NameOffset(text, name) is { } at ? new ValueFix(guess, at, name.Length) : null,
            };
        }

        if (unknown.Count > 0 || spec.Count.Max == 0)
        {
            yield break;
        }

        var why = WhyUnsatisfiable(spec);
        if (why is not null)
        {
            yield return Warning(DiagnosticCodes.UnsatisfiableGpu, $"no known GPU matches `{spec}`: {why}");
        }
    }

    private static string? WhyUnsatisfiable(GpuSpec spec)
    {
        IEnumerable<GpuInfo> candidates = GpuCatalog.All;
        if (spec.Name is { Count: > 0 } names)
        {
            candidates = names.Select(n => GpuCatalog.Find(n)!).Distinct();
        }

        if (spec.Vendor is { } vendor)
        {
            var byVendor = candidates.Where(g => g.Vendor == vendor).ToList();
            if (byVendor.Count == 0)
            {
                return $"{string.Join(", ", candidates.Select(g => g.Name))} {(spec.Name?.Count == 1 ? "is not made" : "are not made")} by {vendor.ToString().ToLowerInvariant()}";
            }

            candidates = byVendor;
        }

        var pool = candidates.ToList();
        if (spec.Memory is { } memory)
        {
            var fits = pool.Where(g => g.MemoryOptions.Any(m => memory.Contains(new Memory(m)))).ToList();
            if (fits.Count == 0)
            {
                return $"{Describe(pool)}; the spec asks for {memory} per GPU";
            }

            pool = fits;
        }

        if (spec.ComputeCapability is { } cc)
        {
            var fits = pool.Where(g => g.ComputeCapability is { } c && c.CompareTo(cc) >= 0).ToList();
            if (fits.Count == 0)
            {
                return $"none of {string.Join(", ", pool.Take(6).Select(g => g.Name))} has compute capability {cc} or higher";
            }

            pool = fits;
        }

        if (spec.TotalMemory is { } total)
        {
            var minCount = Math.Max(1, spec.Count.Min ?? 1);
            var maxCount = spec.Count.Max ?? Math.Max(minCount, MaxCountPerMachine);
            var fits = pool.Any(g => g.MemoryOptions.Any(m =>
                Enumerable.Range(minCount, Math.Max(0, maxCount - minCount + 1)).Any(n => total.Contains(new Memory(m * n)))));
            if (!fits)
            {
                return $"{spec.Count} GPU(s) of {Describe(pool)} cannot add up to {total} in total";
            }
        }

        return null;
    }

    /// <summary>Where <paramref name="name"/> stands in a spec string as a whole name (between ':', ',' or the ends); null if it does not, or twice.</summary>
    private static int? NameOffset(string text, string name)
    {
        int? found = null;
        for (var at = text.IndexOf(name, StringComparison.Ordinal); at >= 0; at = text.IndexOf(name, at + 1, StringComparison.Ordinal))
        {
            var end = at + name.Length;
            if ((at == 0 || text[at - 1] is ':' or ',' or ' ') && (end == text.Length || text[end] is ':' or ',' or ' '))
            {
                if (found is not null)
                {
                    return null;
                }

                found = at;
            }
        }

        return found;
    }

    private static string Describe(IReadOnlyList<GpuInfo> pool)
    {
        if (pool.Count is > 0 and <= 3)
        {
            return string.Join("; ", pool.Select(g => $"{g.Name} has {string.Join(" or ", g.MemoryOptions.Select(m => new Memory(m).ToString()))}"));
        }

        var largest = pool.MaxBy(g => g.MemoryOptions.Max())!;
        return $"the largest known GPU, {largest.Name}, has {new Memory(largest.MemoryOptions.Max())}";
    }

    private static ValueIssue Warning(string code, string message) => new(code, DiagnosticSeverity.Warning, message);
}
