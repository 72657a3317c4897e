using System.Security.Cryptography;
using System.Text;
using Dstack.Runtime.Logs;
using Dstack.Runtime.Runs.Environment;
using Dstack.Runtime.Processes;
using Dstack.Runtime.Snapshots;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Runs;

/// <summary>
/// The <c>build</c> commands of dstack 0.11, on the local machine: they run once in a working copy, and the files
/// they create or change (installed packages, a virtual environment, downloaded models) are kept in
/// <c>$DSTACK_HOME/cache/builds/&lt;key&gt;/</c>. Later runs of the same folder with the same build commands (and the
/// same Python or image) get those files laid over their working copy instead of building again. Changing the build
/// commands changes the key, so the environment is rebuilt; <c>--force-build</c> rebuilds regardless.
/// </summary>
public sealed partial class BuildCache(DstackHome home, RunSpec spec, JobLogWriter log, SecretMasker? mask, TimeProvider time)
{
    /// <summary>The cache key: the code folder, the build commands, and what they run with.</summary>
    public static string Key(RunSpec spec)
    {
        var text = string.Join('\n', [Path.GetFullPath(spec.RepoRoot), spec.Python ?? string.Empty, spec.Image ?? string.Empty, spec.WorkingDir ?? string.Empty, .. spec.Build]);
        return Hashing.ShortHash.HexOf(text)[..16];
    }

    public static string FolderFor(DstackHome home, RunSpec spec) => Path.Combine(home.BuildsFolder, Key(spec));

    /// <summary>
    /// Builds or reuses the environment, then lays it over every working copy. With an image and the host's
    /// <paramref name="engine"/>, the build runs in a container of the image and the image the jobs run in is returned
    /// (<see cref="PrepareInImageAsync"/>). The failure, or null on success.
    /// </summary>
    internal async Task<(RunController.AttemptResult? Failure, string? Image)> PrepareAsync(IReadOnlyList<string> copies, Func<int, Dictionary<string, string>> environment, Task<StopRequest> stopRequested, Containers.ContainerEngine? engine = null)
    {
        if (spec.Image is { } image && engine is not null)
        {
            return await PrepareInImageAsync(image, engine, copies, environment, stopRequested).ConfigureAwait(false);
        }

        var folder = FolderFor(home, spec);
        var files = Path.Combine(folder, "files");
        var ready = Path.Combine(folder, "ready");
        if (File.Exists(ready) && !spec.ForceBuild)
        {
            Event($"dstack: using the environment built {File.ReadAllText(ready).Trim()} (the build commands have not changed; --force-build rebuilds it)");
        }
        else
        {
            Event(spec.ForceBuild ? "dstack: building the environment (--force-build)" : Directory.Exists(folder) ? "dstack: building the environment" : "dstack: building the environment (first build for these build commands)");
            var copy = copies[0];
            var workingDirectory = spec.WorkingDir is { Length: > 0 } dir ? Path.GetFullPath(Path.Combine(copy, dir)) : copy;
            Directory.CreateDirectory(workingDirectory);
            var script = JobScript.Build(spec.Build, spec.RunArgs);
            var failure = await BuildAsync(copy, folder, files, ready, stopRequested, () => JobProcess.Start(spec.Shell, ["-c", script], workingDirectory, environment(0))).ConfigureAwait(false);
            if (failure is not null)
            {
                return (failure, null);
            }
        }

        LayOver(files, copies);
        return (null, null);
    }

    private static void LayOver(string files, IReadOnlyList<string> copies)
    {
        foreach (var copy in copies)
        {
            CopyTree(files, copy);
        }
    }

    /// <summary>
    /// Runs the build commands (<paramref name="start"/> starts them in <paramref name="copy"/>) and saves the files they
    /// created or changed there; <paramref name="keep"/>, when given, keeps what else they made (a container committed as
    /// an image) before the process is ended for good, and says what went wrong if it could not. The failure, or null on success.
    /// </summary>
    private async Task<RunController.AttemptResult?> BuildAsync(string copy, string folder, string files, string ready, Task<StopRequest> stopRequested, Func<IJobProcess> start, Func<Task<string?>>? keep = null)
    {
        var before = Inventory(copy);
        IJobProcess process;
        try
        {
            process = start();
        }
        catch (JobStartException e)
        {
            Event($"dstack: the build could not start: {e.Message}");
            return new RunController.AttemptResult(State.RunStatus.Failed, TerminationReason.StartFailed, null);
        }

        using (process)
        {
            try
            {
                var pumps = Task.WhenAll(
                    Task.Run(() => new OutputPump(process.Stdout, LogStream.Stdout, log, mask).RunAsync()),
                    Task.Run(() => new OutputPump(process.Stderr, LogStream.Stderr, log, mask).RunAsync()));
                if (await Task.WhenAny(process.Exited, stopRequested).ConfigureAwait(false) != process.Exited)
                {
                    process.SignalGroup(Signals.Kill);
                }

                var code = await process.Exited.ConfigureAwait(false);
                if (keep is null)
                {
                    // What the commands left running in their group ends with them; a container is kept until committed.
                    process.SignalGroup(Signals.Kill);
                }

                await pumps.WaitAsync(TimeSpan.FromSeconds(5), time).ConfigureAwait(false);
                if (stopRequested.IsCompleted)
                {
                    // Killed at once either way; the run ends as it was asked to (a stop, or an abort).
                    if (await stopRequested.ConfigureAwait(false) == StopRequest.Abort)
                    {
                        Event("dstack: the build was aborted");
                        return new RunController.AttemptResult(State.RunStatus.Aborted, TerminationReason.AbortedByUser, null);
                    }

                    Event("dstack: the build was stopped");
                    return new RunController.AttemptResult(State.RunStatus.Terminated, TerminationReason.StoppedByUser, null);
                }

                if (code != 0)
                {
                    Event($"dstack: the build commands failed with exit code {code}; the environment was not saved");
                    return new RunController.AttemptResult(State.RunStatus.Failed, TerminationReason.BuildFailed, code);
                }

                if (keep is not null && await keep().ConfigureAwait(false) is { } problem)
                {
                    Event($"dstack: {problem}; the environment was not saved");
                    return new RunController.AttemptResult(State.RunStatus.Failed, TerminationReason.BuildFailed, null);
                }
            }
            finally
            {
                process.SignalGroup(Signals.Kill);
            }
        }

        Directory.CreateDirectory(folder);
        var staging = Path.Combine(folder, $"files.{System.Environment.ProcessId}.tmp");
        ContainedPath.Delete(folder, staging);

        var saved = 0;
        foreach (var (relative, stamp) in Inventory(copy))
        {
            if (!before.TryGetValue(relative, out var old) || old != stamp)
            {
                CopyEntry(Path.Combine(copy, relative), Path.Combine(staging, relative));
                saved++;
            }
        }

        Directory.CreateDirectory(staging);
        ContainedPath.Delete(folder, files);

        Directory.Move(staging, files);
        File.WriteAllText(Path.Combine(folder, "build-commands.txt"), string.Join('\n', spec.Build) + "\n");
        File.WriteAllText(ready, time.GetUtcNow().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture) + "\n");
        Event($"dstack: the environment is built and saved ({CountWords.Of(saved, "file")}{(keep is null ? string.Empty : " in the working copy, the rest in the image")}); later runs reuse it until the build commands{(keep is null ? string.Empty : " or the image")} change");
        return null;
    }

    private void Event(string line) => log.WriteEvent(mask is null ? line : mask.Mask(line));

    /// <summary>Every file and symbolic link under <paramref name="root"/> with its size and time of last change; no special files.</summary>
    private static Dictionary<string, (long Size, DateTime Modified)> Inventory(string root)
    {
        var entries = new Dictionary<string, (long, DateTime)>(StringComparer.Ordinal);
        if (!Directory.Exists(root))
        {
            return entries;
        }

        var pending = new Stack<string>([root]);
        while (pending.Count > 0)
        {
            foreach (var entry in new DirectoryInfo(pending.Pop()).EnumerateFileSystemInfos())
            {
                var relative = Path.GetRelativePath(root, entry.FullName);
                if (entry.LinkTarget is not null)
                {
                    entries[relative] = (0, entry.LastWriteTimeUtc);
                }
                else if (entry is DirectoryInfo directory)
                {
                    pending.Push(directory.FullName);
                }
                else if (entry is FileInfo file && !EntryKinds.Of(file.FullName).IsSpecial())
                {
                    // A FIFO or socket the build made (a daemon's) is never copied: opening a FIFO would wait for good.
                    entries[relative] = (file.Length, file.LastWriteTimeUtc);
                }
            }
        }

        return entries;
    }

    private static void CopyTree(string source, string target)
    {
        if (!Directory.Exists(source))
        {
            return;
        }

        foreach (var relative in Inventory(source).Keys)
        {
            CopyEntry(Path.Combine(source, relative), Path.Combine(target, relative));
        }
    }

    private static void CopyEntry(string source, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var info = new FileInfo(source);
        if (File.Exists(target) || Directory.Exists(target) || new FileInfo(target).LinkTarget is not null)
        {
            File.Delete(target);
        }

        if (info.LinkTarget is { } link)
        {
            File.CreateSymbolicLink(target, link);
        }
        else
        {
            File.Copy(source, target, overwrite: true);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(target, File.GetUnixFileMode(source));
            }
        }
    }
}
