using System.Diagnostics;
using Dstack.Runtime.Hosts;
using Dstack.Runtime.Pipelines;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Runs;

/// <summary>
/// A pipelines workflow's files around its job: before the commands, the deps' artifacts (read-only) and the cache;
/// after the job ends, however it ends, the cache and then the artifacts, brought back from the job's host into
/// <c>$DSTACK_HOME</c>. Files on this machine are copied (or moved out of the working copy, which is removed next);
/// files on another go through the host's upload and download.
/// </summary>
public sealed partial class RunController
{
    /// <summary>Workflows run one job.</summary>
    private const int WorkflowRank = 0;

    private bool InContainer => _spec.Image is not null;

    /// <summary>Puts the deps' artifacts and the cache in place; a failed attempt when that fails, else null.</summary>
    private async Task<AttemptResult?> PrepareWorkflowAsync(CancellationToken cancellationToken)
    {
        if (_spec.Workflow is not { } workflow)
        {
            return null;
        }

        var host = HostOf(WorkflowRank);
        try
        {
            foreach (var dep in _spec.Deps)
            {
                foreach (var path in dep.Paths)
                {
                    var folder = WorkflowPaths.SavedFolder(path);
                    var saved = Path.Combine(Home.ArtifactsFolder(dep.RunName), folder);
                    if (!File.Exists(saved) && !Directory.Exists(saved))
                    {
                        Event(WorkflowRank, $"dstack: warning: deps: {dep.Dep}: {path} of run {dep.RunName} is no longer in {saved}; skipped");
                        continue;
                    }

                    await PutAsync(host, saved, folder, readOnly: true, cancellationToken).ConfigureAwait(false);
                    var (files, size, _) = ArtifactMeasure.Of(saved);
                    Event(WorkflowRank, $"dstack: deps: {dep.Dep}: {folder} from run {dep.RunName} ({CountWords.Of((int)files, "file")}, {FormatBytes(size)}), read-only");
                }
            }

            if (InContainer)
            {
                // The folders a container's ~ and absolute paths are bound from exist before it starts (the engine would make them root's).
                foreach (var path in _spec.Artifacts.Concat(_spec.Cache).Where(p => !WorkflowPaths.IsRelative(p)))
                {
                    await EnsureFolderAsync(host, WorkflowPaths.OnHost(path, inContainer: true), cancellationToken).ConfigureAwait(false);
                }
            }

            foreach (var path in _spec.Cache)
            {
                var cache = WorkflowCache.For(Home, _spec.RepoRoot, workflow, path);
                if (cache.Current is not { } current)
                {
                    Event(WorkflowRank, $"dstack: cache {path}: empty; this run saves it when it ends");
                    continue;
                }

                var clock = Stopwatch.StartNew();
                var transfer = await PutAsync(host, current, WorkflowPaths.OnHost(path, InContainer), readOnly: false, cancellationToken).ConfigureAwait(false);
                Event(WorkflowRank, transfer is null
                    ? $"dstack: cache {path}: restored to {host.Name} in {clock.Elapsed.TotalSeconds:0.00} s"
                    : $"dstack: cache {path}: restored: {CountWords.Of(transfer.Copied, "file")} copied ({FormatBytes(transfer.CopiedBytes)}), {transfer.Unchanged} unchanged, in {clock.Elapsed.TotalSeconds:0.00} s");
            }
        }
        catch (JobCodeException e)
        {
            Event(WorkflowRank, $"dstack: {e.Code}: {e.Message}");
            return new AttemptResult(RunStatus.Failed, TerminationReason.StartFailed, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Event(WorkflowRank, $"dstack: the workflow's deps or cache could not be put in place: {e.Message}");
            return new AttemptResult(RunStatus.Failed, TerminationReason.StartFailed, null);
        }

        return null;
    }

    /// <summary>Lays <paramref name="source"/> over the job's <paramref name="path"/>: a copy here (what it did), an upload there (null).</summary>
    private static async Task<CacheTransfer?> PutAsync(IJobHost host, string source, string path, bool readOnly, CancellationToken cancellationToken)
    {
        if (host.LocalPath(WorkflowRank, path) is { } local)
        {
            return await Task.Run(() => TreeCopy.Into(source, local, readOnly, cancellationToken), cancellationToken).ConfigureAwait(false);
        }

        await host.UploadAsync(WorkflowRank, source, path, readOnly, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private static async Task EnsureFolderAsync(IJobHost host, string path, CancellationToken cancellationToken)
    {
        if (host.LocalPath(WorkflowRank, path) is { } local)
        {
            Directory.CreateDirectory(local);
            return;
        }

        var empty = Directory.CreateTempSubdirectory("dstack-empty-");
        try
        {
            await host.UploadAsync(WorkflowRank, empty.FullName, path, readOnly: false, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            empty.Delete();
        }
    }

    /// <summary>
    /// After the job ended (done, failed, stopped, aborted), before its host cleans up: saves the cache, then the
    /// artifacts (a missing path is a warning); nothing when the host is lost.
    /// </summary>
    private async Task SaveWorkflowAsync(IReadOnlyList<RunningJob> jobs)
    {
        if (_spec.Workflow is not { } workflow || (_spec.Artifacts.Count == 0 && _spec.Cache.Count == 0) || jobs.FirstOrDefault(j => j.Rank == WorkflowRank) is not { } job)
        {
            return;
        }

        if (job.Process.LostReason is { } lost)
        {
            Event(WorkflowRank, $"dstack: warning: the artifacts and cache cannot be saved: the job's host is lost ({lost})");
            return;
        }

        var host = HostOf(WorkflowRank);
        using var limit = new CancellationTokenSource(TimeSpan.FromHours(1));
        foreach (var path in _spec.Cache)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                var cache = WorkflowCache.For(Home, _spec.RepoRoot, workflow, path);
                CacheTransfer? transfer = null;
                await WithFilesHereAsync(host, WorkflowPaths.OnHost(path, InContainer), here => transfer = cache.Save(here.Path, limit.Token), limit.Token).ConfigureAwait(false);
                Event(WorkflowRank, transfer is null
                    ? $"dstack: warning: cache {path}: nothing there to save"
                    : $"dstack: cache {path}: saved: {CountWords.Of(transfer.Copied, "file")} copied ({FormatBytes(transfer.CopiedBytes)}), {transfer.Linked} unchanged, in {clock.Elapsed.TotalSeconds:0.00} s");
            }
            catch (Exception e) when (e is JobCodeException or IOException or UnauthorizedAccessException or OperationCanceledException)
            {
                Event(WorkflowRank, $"dstack: warning: cache {path} was not saved: {e.Message}");
            }
        }

        string artifacts;
        try
        {
            artifacts = Home.ArtifactsFolder(_run.Name);
        }
        catch (UnsafePathException)
        {
            return;
        }

        foreach (var path in _spec.Artifacts)
        {
            var folder = WorkflowPaths.SavedFolder(path);
            var destination = Path.Combine(artifacts, folder);
            try
            {
                DeleteSaved(destination);
                var onHost = WorkflowPaths.OnHost(path, InContainer);
                var saved = await WithFilesHereAsync(host, onHost, here =>
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                    if (!here.Movable)
                    {
                        // A path outside the working copy (the user's own ~ on this machine) is copied, never moved.
                        TreeCopy.Into(here.Path, destination, readOnly: false, limit.Token);
                    }
                    else if (Directory.Exists(here.Path))
                    {
                        Directory.Move(here.Path, destination);
                    }
                    else
                    {
                        File.Move(here.Path, destination);
                    }
                }, limit.Token).ConfigureAwait(false);
                if (!saved)
                {
                    Event(WorkflowRank, $"dstack: warning: artifact {path}: no such file or folder when the job ended; nothing saved");
                    continue;
                }

                var (files, size, hash) = ArtifactMeasure.Of(destination);
                _store.SaveArtifact(new ArtifactRecord(_run.Id, path, folder, files, size, hash, _time.GetUtcNow()));
                Event(WorkflowRank, $"dstack: artifact {path}: saved {CountWords.Of((int)files, "file")}, {FormatBytes(size)}");
            }
            catch (Exception e) when (e is JobCodeException or IOException or UnauthorizedAccessException or OperationCanceledException or StateException)
            {
                Event(WorkflowRank, $"dstack: warning: artifact {path} was not saved: {e.Message}");
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="use"/> on the job's <paramref name="path"/> as files of this machine: the path itself when
    /// the job ran here (movable when it is in the working copy, which is removed next), else a download of it into a
    /// folder of <c>$DSTACK_HOME</c> (movable; removed afterwards). False when the path does not exist there.
    /// </summary>
    private async Task<bool> WithFilesHereAsync(IJobHost host, string path, Action<FilesHere> use, CancellationToken cancellationToken)
    {
        if (host.LocalPath(WorkflowRank, path) is { } local)
        {
            if (!File.Exists(local) && !Directory.Exists(local) && new FileInfo(local).LinkTarget is null)
            {
                return false;
            }

            await Task.Run(() => use(new FilesHere(local, Movable: WorkflowPaths.IsRelative(path))), cancellationToken).ConfigureAwait(false);
            return true;
        }

        var temporary = Path.Combine(Home.CacheFolder, "downloads", $"{_run.Name}-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(temporary);
            try
            {
                await host.DownloadAsync(WorkflowRank, path, temporary, cancellationToken, new DownloadLines(this, host.Name, path)).ConfigureAwait(false);
            }
            catch (JobCodeException e) when (e.Code == Diagnostics.DiagnosticCodes.FileNotFound && e.Message.Contains("No such file", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            // Where a download lands: the path relative to the code folder, to the home, or an absolute one by its last name.
            var landed = Path.Combine(temporary, path.StartsWith("~/", StringComparison.Ordinal) ? path[2..] : path.StartsWith('/') ? Path.GetFileName(path) : path);
            if (!File.Exists(landed) && !Directory.Exists(landed))
            {
                return false;
            }

            await Task.Run(() => use(new FilesHere(landed, Movable: true)), cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            TryDelete(Home.CacheFolder, temporary);
        }
    }

    /// <summary>A job's files on this machine; <paramref name="Movable"/> when they may be moved away (nobody needs them after).</summary>
    private sealed record FilesHere(string Path, bool Movable);

    /// <summary>
    /// A download's progress as events (<see cref="DownloadProgress"/>) and, every few seconds of a long one, a log line
    /// (what MSBuild and scripts see): <c>dstack: downloading output from HOST: 120 MB of 500 MB (24%)</c>.
    /// </summary>
    private sealed class DownloadLines(RunController controller, string host, string path) : IProgress<(long Received, long Total)>
    {
        private static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(3);
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private TimeSpan _said = TimeSpan.Zero;

        public void Report((long Received, long Total) value)
        {
            controller.Progress.Report(new DownloadProgress(WorkflowRank, host, path, value.Received, value.Total));
            if (_clock.Elapsed - _said >= LineInterval)
            {
                _said = _clock.Elapsed;
                controller.Event(WorkflowRank, value.Total > 0
                    ? $"dstack: downloading {path} from {host}: {Bytes.Format(value.Received)} of {Bytes.Format(value.Total)} ({Bytes.Percent(Math.Min(value.Received, value.Total), value.Total)})"
                    : $"dstack: downloading {path} from {host}: {Bytes.Format(value.Received)}");
            }
        }
    }

    /// <summary>Removes what an earlier attempt saved at <paramref name="destination"/>, so an attempt's artifacts are its own.</summary>
    private static void DeleteSaved(string destination)
    {
        if (Directory.Exists(destination) && new FileInfo(destination).LinkTarget is null)
        {
            Directory.Delete(destination, recursive: true);
        }
        else if (File.Exists(destination) || new FileInfo(destination).LinkTarget is not null)
        {
            File.Delete(destination);
        }
    }
}
