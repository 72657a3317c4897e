using System.Security.Cryptography;
using System.Text;

namespace Dstack.Runtime.Runs;

/// <summary>
/// The environment a job's process gets (reference §5): the runner's own environment, then dstack's system
/// variables, then the user's <c>env</c> (later wins), with the chosen Python first on PATH.
/// </summary>
public static class JobEnvironment
{
    public static Dictionary<string, string> Build(RunSpec spec, int rank, IReadOnlyDictionary<string, string> runnerEnvironment, string? pythonShimFolder)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in runnerEnvironment)
        {
            environment[name] = value;
        }

        var repoId = RepoId(spec.RepoRoot);
        // Several jobs on this machine reach each other on 127.0.0.1; on SSH hosts, at each host's address.
        var addresses = spec.NodeAddresses.Count == spec.Nodes ? spec.NodeAddresses : [.. Enumerable.Repeat("127.0.0.1", spec.Nodes)];
        var ips = string.Join('\n', addresses);
        environment["DSTACK_RUN_NAME"] = spec.RunName;
        environment["DSTACK_REPO_ID"] = repoId;
        environment["DSTACK_NODES_NUM"] = spec.Nodes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["DSTACK_NODE_RANK"] = rank.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["DSTACK_MASTER_NODE_IP"] = addresses[0];
        environment["DSTACK_NODES_IPS"] = ips;
        environment["DSTACK_GPUS_PER_NODE"] = spec.Gpus.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var gpusNum = spec.HostGpus.Count == spec.Nodes ? spec.HostGpus.Sum(g => g.Count) : spec.Gpus.Count * spec.Nodes;
        environment["DSTACK_GPUS_NUM"] = gpusNum.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["RUN_NAME"] = spec.RunName;
        environment["REPO_ID"] = repoId;
        if (spec.HasMachineGpus)
        {
            // A job sees the GPUs it was given, as a container would; an empty list hides them all.
            environment["CUDA_VISIBLE_DEVICES"] = string.Join(',', spec.Gpus);
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
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(full)))[..8];
        return slug.Length == 0 ? hash : $"{slug}-{hash}";
    }
}
