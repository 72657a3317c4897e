using System.Security.Cryptography;
using System.Text;

namespace Dstack.Runtime.Runs;

/// <summary>
/// The environment a job's process gets (reference §5): the controller's own environment, then dstack's system
/// variables, then the user's <c>env</c> (later wins), with the chosen Python first on PATH.
/// </summary>
public static class JobEnvironment
{
    /// <param name="spec">The run.</param>
    /// <param name="rank">The job's rank.</param>
    /// <param name="topology">Where every job of the run is: addresses and GPUs by rank.</param>
    /// <param name="baseEnvironment">What the job starts from (the controller's environment on this machine).</param>
    /// <param name="pythonShimFolder">A folder to put first on PATH (the requested Python), or null.</param>
    public static Dictionary<string, string> Build(RunSpec spec, int rank, JobTopology topology, IReadOnlyDictionary<string, string> baseEnvironment, string? pythonShimFolder)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in baseEnvironment)
        {
            environment[name] = value;
        }

        var repoId = RepoId(spec.RepoRoot);
        // Several jobs on this machine reach each other on 127.0.0.1; on other machines, at each one's address.
        var addresses = topology.Addresses.Count == spec.Nodes ? topology.Addresses : [.. Enumerable.Repeat("127.0.0.1", spec.Nodes)];
        var gpus = rank < topology.Gpus.Count ? topology.Gpus[rank] : [];
        environment["DSTACK_RUN_NAME"] = spec.RunName;
        environment["DSTACK_REPO_ID"] = repoId;
        environment["DSTACK_NODES_NUM"] = spec.Nodes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["DSTACK_NODE_RANK"] = rank.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["DSTACK_MASTER_NODE_IP"] = addresses[0];
        environment["DSTACK_NODES_IPS"] = string.Join('\n', addresses);
        environment["DSTACK_GPUS_PER_NODE"] = gpus.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var gpusNum = topology.Gpus.Count == spec.Nodes ? topology.Gpus.Sum(g => g.Count) : gpus.Count * spec.Nodes;
        environment["DSTACK_GPUS_NUM"] = gpusNum.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["RUN_NAME"] = spec.RunName;
        environment["REPO_ID"] = repoId;
        if (rank < topology.HasGpus.Count && topology.HasGpus[rank])
        {
            // A job sees the GPUs it was given, as a container would; an empty list hides them all.
            environment["CUDA_VISIBLE_DEVICES"] = string.Join(',', gpus);
        }

        foreach (var entry in spec.Env)
        {
            environment[entry.Name] = entry.Value ?? string.Empty;
        }

        if (pythonShimFolder is not null)
        {
            environment["PATH"] = environment.TryGetValue("PATH", out var path) && path.Length > 0 ? $"{pythonShimFolder}:{path}" : pythonShimFolder;
        }

        return environment;
    }

    /// <summary>A stable id for the code folder: its name and a short hash of its full path (<c>myapp-3f9a1c2b</c>).</summary>
    public static string RepoId(string repoRoot)
    {
        var full = Path.GetFullPath(repoRoot).TrimEnd('/');
        var name = Path.GetFileName(full);
        var slug = new string([.. name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]).Trim('-');
        var hash = Hashing.ShortHash.HexOf(full)[..8];
        return slug.Length == 0 ? hash : $"{slug}-{hash}";
    }
}

/// <summary>Where the jobs of a run are, by rank: each machine's address, the GPUs each job gets, and whether its machine has GPUs at all.</summary>
public sealed record JobTopology(IReadOnlyList<string> Addresses, IReadOnlyList<IReadOnlyList<int>> Gpus, IReadOnlyList<bool> HasGpus)
{
    /// <summary>The topology of a run placed on <paramref name="placements"/> whose machines are at <paramref name="addresses"/>.</summary>
    public static JobTopology Of(IReadOnlyList<Offers.Offer> placements, IReadOnlyList<string> addresses) =>
        new(addresses, [.. placements.Select(p => p.Gpus)], [.. placements.Select(p => p.Resources.Gpus.Count > 0)]);
}
