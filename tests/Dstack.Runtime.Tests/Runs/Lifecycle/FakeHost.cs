using Dstack.Runtime.Backends;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Forwarding;
using Dstack.Runtime.Hosts;
using Dstack.Runtime.Processes;
using Dstack.Runtime.Snapshots;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Tests.Runs.Lifecycle;

/// <summary>
/// A machine that is not there: it takes the code (counting files and bytes), starts <see cref="FakeJob"/>s the test
/// drives, and records every call, so the run's lifecycle is checked in-process, in milliseconds.
/// </summary>
internal sealed class FakeHost(FakeBackend backend, Instance instance) : IJobHost
{
    public Instance Instance { get; } = instance;

    public string Name => Instance.Offer.Instance;

    public bool IsThisMachine => false;

    public IReadOnlyDictionary<string, string> BaseEnvironment { get; } = new Dictionary<string, string> { ["HOME"] = "/home/fake" };

    public List<(int Rank, int Files, long Bytes)> Uploads { get; } = [];

    public List<FakeJob> Jobs { get; } = [];

    public List<IJobProcess> CleanedUp { get; } = [];

    public List<(int Rank, int? Pid, string Token, int Signal)> Kills { get; } = [];

    public bool Disposed { get; private set; }

    public string? PathPrefix => null;

    public Diagnostic? Connect() => null;

    public async Task<JobCode> PrepareCodeAsync(CodeSnapshot snapshot, int rank, IProgress<long>? sent, CancellationToken cancellationToken)
    {
        if (backend.UploadProblem is { } problem)
        {
            throw new JobCodeException(DiagnosticCodes.CodeUploadFailed, problem);
        }

        await backend.UploadGate.Task.WaitAsync(cancellationToken);
        lock (Uploads)
        {
            Uploads.Add((rank, snapshot.Files.Count, snapshot.TotalBytes));
        }

        sent?.Report(snapshot.TotalBytes);
        return new JobCode(null);
    }

    public Task PrepareImageAsync(int rank, IProgress<Dstack.Runtime.Runs.RunProgress>? progress, CancellationToken cancellationToken)
    {
        foreach (var step in backend.ImageProgress(rank))
        {
            progress?.Report(step);
        }

        return Task.CompletedTask;
    }

    public IJobProcess StartJob(int rank, JobCode code, IReadOnlyDictionary<string, string> environment)
    {
        var job = new FakeJob(rank, environment, backend.JobsIgnoreTerminate);
        lock (Jobs)
        {
            Jobs.Add(job);
        }

        backend.Started.Writer.TryWrite(job);
        return job;
    }

    public List<(int Rank, string Path, string Destination)> Downloads { get; } = [];

    /// <summary>What the host has at a job path, for a download: a file's text by the path (a folder holding one file, <c>file.txt</c>).</summary>
    public Dictionary<string, string> Files { get; } = [];

    /// <summary>How many jobs had been cleaned up when each download happened (saving must come first).</summary>
    public List<int> CleanedUpAtDownload { get; } = [];

    public Task DownloadAsync(int rank, string path, string destination, CancellationToken cancellationToken, IProgress<(long Received, long Total)>? received = null)
    {
        lock (Downloads)
        {
            Downloads.Add((rank, path, destination));
            CleanedUpAtDownload.Add(CleanedUp.Count);
        }

        if (!Files.TryGetValue(path, out var text))
        {
            throw new JobCodeException(DiagnosticCodes.FileNotFound, $"{path} could not be copied from {Name} (job {rank}): tar: {path}: Cannot stat: No such file or directory");
        }

        // Where a host's download lands: the path relative to the code folder, to the home, or by its last name.
        var landing = path.StartsWith("~/", StringComparison.Ordinal) ? path[2..] : path.StartsWith('/') ? Path.GetFileName(path) : path;
        Directory.CreateDirectory(Path.Combine(destination, landing));
        File.WriteAllText(Path.Combine(destination, landing, "file.txt"), text);
        received?.Report((text.Length, text.Length));
        return Task.CompletedTask;
    }

    public List<(int Rank, string Source, string Path, bool ReadOnly)> FileUploads { get; } = [];

    public Task UploadAsync(int rank, string source, string path, bool readOnly, CancellationToken cancellationToken)
    {
        lock (FileUploads)
        {
            FileUploads.Add((rank, source, path, readOnly));
        }

        return Task.CompletedTask;
    }

    public void CleanUp(IJobProcess job)
    {
        lock (CleanedUp)
        {
            CleanedUp.Add(job);
        }
    }

    public void KillJob(int rank, int? pid, string token, int signal)
    {
        lock (Kills)
        {
            Kills.Add((rank, pid, token, signal));
        }
    }

    public PortReservation ReservePorts(IReadOnlyList<PortMapping> ports, string address, bool jobListening) => PortReservation.ReserveForRemote(ports, address);

    public void CheckJobPorts(IReadOnlyList<PortMapping> ports)
    {
    }

    public IAsyncDisposable ForwardPorts(StateStore store, RunRecord run, PortReservation reservation, string address, Action<string> say)
    {
        reservation.Release();
        return new Nothing();
    }

    /// <summary>Every port a replica's endpoint reached, by rank.</summary>
    public List<(int Rank, int Port)> Reached { get; } = [];

    /// <summary>How many reached ports were given back.</summary>
    public int ReachedClosed => _reachedClosed;

    private int _reachedClosed;

    public ReachedPort ReachPort(int rank, int port)
    {
        lock (Reached)
        {
            Reached.Add((rank, port));
        }

        return new ReachedPort(backend.ReplicaAddress?.Invoke(rank, port) ?? new Uri($"http://127.0.0.1:{port}/"), () => Interlocked.Increment(ref _reachedClosed));
    }

    public int FreePort(int rank, IReadOnlyCollection<int> taken) => taken.Count == 0 ? 30000 : taken.Max() + 1;

    public void Dispose() => Disposed = true;

    private sealed class Nothing : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
