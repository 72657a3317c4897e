using System.Globalization;
using Dstack.Runtime.Backends.Ssh;
using Dstack.Runtime.Processes;
using Dstack.Runtime.Snapshots;

namespace Dstack.Runtime.Runs;

/// <summary>
/// The runner's side of a run on SSH hosts: one connection per host, the code uploaded to every host at once with
/// progress in the log, the jobs started under the host's supervisor, their folders removed at the end, and a lost
/// host replaced by a spare one when <c>retry</c> covers interruptions.
/// </summary>
public sealed partial class RunSupervisor
{
    private readonly Dictionary<string, SshConnection> _connections = new(StringComparer.Ordinal);

    /// <summary>One reconnect window per host: a host that answers must not keep another's failure clock from running.</summary>
    private readonly Dictionary<string, SshReconnect> _reconnects = new(StringComparer.Ordinal);
    private List<SshHost>? _hosts;
    private List<SshHost>? _spares;

    /// <summary>The host of each rank (spare hosts replace lost ones on a retry).</summary>
    private List<SshHost> Hosts => _hosts ??= [.. _spec.Hosts];

    private SshConnection ConnectionTo(SshHost host)
    {
        lock (_connections)
        {
            if (!_connections.TryGetValue(host.Name, out var connection))
            {
                connection = new SshConnection(Home, host);
                _connections[host.Name] = connection;
            }

            return connection;
        }
    }

    private async Task<bool> UploadToHostsAsync(int attempt, CancellationToken cancellationToken)
    {
        CodeSnapshot snapshot;
        try
        {
            snapshot = ScanCode();
        }
        catch (Exception e) when (e is SnapshotException or IOException or UnauthorizedAccessException)
        {
            Event(0, $"dstack: attempt {attempt}: the code could not be read: {e.Message}");
            return false;
        }

        var total = snapshot.TotalBytes;
        Event(0, $"dstack: uploading the code of {_spec.RepoRoot} to {string.Join(", ", Hosts.Select(h => h.Name).Distinct())}: {CountWords.Of(snapshot.Files.Count, "file")}, {FormatBytes(total)}{(snapshot.FromGit ? " (tracked and untracked files git does not ignore)" : string.Empty)}");
        var uploads = Enumerable.Range(0, _spec.Nodes).Select(rank => Task.Run(async () =>
        {
            var host = Hosts[rank];
            var connection = ConnectionTo(host);
            if (connection.EnsureMaster() is { } problem)
            {
                Event(rank, $"dstack: {problem.Code}: {problem.Message}");
                return false;
            }

            var clock = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                await CodeUpload.SendAsync(connection, RemoteJobFolder.For(Home, _run, rank), snapshot, sent =>
                {
                    if (sent < total)
                    {
                        Event(rank, $"dstack: uploading to {host.Name}: {FormatBytes(sent)} of {FormatBytes(total)} ({Percent(sent, total)})");
                    }
                }, cancellationToken).ConfigureAwait(false);
                // Hundredths: a local network moves 200 MB in a few tenths of a second (benchmarks/scripts/ssh_bench.sh reads this line).
                Event(rank, $"dstack: uploaded to {host.Name}: {FormatBytes(total)} in {clock.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s");
                return true;
            }
            catch (CodeUploadException e)
            {
                Event(rank, $"dstack: {Diagnostics.DiagnosticCodes.CodeUploadFailed}: {e.Message}");
                return false;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        })).ToList();
        var results = await Task.WhenAll(uploads).ConfigureAwait(false);
        return results.All(ok => ok);
    }

    private RemoteJob StartRemoteJob(int rank)
    {
        var host = Hosts[rank];
        var environment = JobToken.Mark(JobEnvironment.Build(RemoteSpec(rank), rank, new Dictionary<string, string>(), null), Home, _run, rank);
        Event(rank, _spec.Nodes > 1
            ? $"dstack: starting job {rank} of {_spec.Nodes} on {host.Name} (rank {rank}, master {environment["DSTACK_MASTER_NODE_IP"]})"
            : $"dstack: starting the job on {host.Name}");
        SshReconnect reconnect;
        lock (_reconnects)
        {
            if (!_reconnects.TryGetValue(host.Name, out reconnect!))
            {
                reconnect = SshReconnect.FromEnvironment(_runnerEnvironment);
                _reconnects[host.Name] = reconnect;
            }
        }

        return RemoteJob.Start(ConnectionTo(host), RemoteJobFolder.For(Home, _run, rank), _spec, environment, reconnect, line => Event(rank, line));
    }

    /// <summary>The spec as job <paramref name="rank"/> sees it: the hosts' addresses and its own host's GPUs.</summary>
    private RunSpec RemoteSpec(int rank) => _spec with
    {
        Gpus = rank < _spec.HostGpus.Count ? _spec.HostGpus[rank] : [],
        HasMachineGpus = rank < _spec.HostGpus.Count && _spec.HostGpus[rank].Count > 0,
    };

    /// <summary>Removes the jobs' folders from their hosts (not from a lost host) and closes the connections.</summary>
    private void CleanUpHosts(IEnumerable<IJobProcess> jobs)
    {
        foreach (var job in jobs.OfType<RemoteJob>().Where(j => j.LostReason is null))
        {
            job.RemoveFolder();
        }
    }

    private void CloseConnections()
    {
        lock (_connections)
        {
            foreach (var connection in _connections.Values)
            {
                connection.Dispose();
            }

            _connections.Clear();
        }
    }

    /// <summary>
    /// Replaces the lost hosts with spare ones that answer now; false (with the reason in the log) when there are not
    /// enough. The stored spec follows, so the new hosts count as busy.
    /// </summary>
    private bool ReplaceLostHosts(IReadOnlyCollection<string> lost)
    {
        _spares ??= [.. _spec.SpareHosts];
        foreach (var name in lost)
        {
            var rank = Hosts.FindIndex(h => h.Name == name);
            SshHost? replacement = null;
            while (_spares.Count > 0 && replacement is null)
            {
                var candidate = _spares[0];
                _spares.RemoveAt(0);
                var probe = SshProbeCache.Probe(Home, candidate, TimeSpan.Zero);
                if (probe.Succeeded)
                {
                    replacement = candidate;
                }
                else
                {
                    Event(0, $"dstack: the spare host {candidate.Name} cannot take over: {probe.Problem!.Message}");
                }
            }

            if (replacement is null)
            {
                Event(0, $"dstack: no spare SSH host is left to replace {name}; add one with dstack pool add-ssh");
                return false;
            }

            Event(0, $"dstack: job {rank} moves from {name} to {replacement.Name}");
            Hosts[rank] = replacement;
        }

        _spec = _spec with { Hosts = [.. Hosts], NodeAddresses = [.. Hosts.Select(h => SshOffers.NodeAddress(h.Host))], SpareHosts = [.. _spares] };
        _store.SetSpec(_run.Id, _spec.WithoutSecrets().ToJson());
        return true;
    }

    private static string Percent(long part, long total) => total <= 0 ? "100%" : (part * 100 / total).ToString(CultureInfo.InvariantCulture) + "%";
}
